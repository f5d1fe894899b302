import { z } from 'zod';

/**
 * The scope of a budget beyond one client (docs/budgets.md): `account` (every call, unattributed
 * included) or an object naming any of these llm_calls columns; a call is in the scope when its
 * column equals every value given (`app` is the resource's service.name).
 */
export const SCOPE_KEYS = ['client', 'project', 'feature', 'app'] as const;
export type ScopeKey = (typeof SCOPE_KEYS)[number];
export type ScopeObject = Partial<Record<ScopeKey, string>>;
export type BudgetScope = 'account' | ScopeObject;

const value = z.string().min(1).max(256);

/**
 * Written by people, so each mistake gets its own message: an unknown key names the keys that
 * exist, an empty object says to write `account`. `clientId` is the config's own client id rule.
 */
export function budgetScopeSchema(clientId: z.ZodType<string>) {
  const object = z.object({ client: clientId.optional(), project: value.optional(), feature: value.optional(), app: value.optional() }).strict();
  return z.unknown().transform((input, ctx): BudgetScope => {
    if (input === 'account') return 'account';
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.addIssue({ code: 'custom', message: `expected "account" or an object of ${SCOPE_KEYS.join(', ')}` });
      return z.NEVER;
    }
    const unknown = Object.keys(input).filter((k) => !(SCOPE_KEYS as readonly string[]).includes(k));
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', message: `unknown scope key ${unknown.map((k) => `"${k}"`).join(', ')} (a scope names any of ${SCOPE_KEYS.join(', ')})` });
      return z.NEVER;
    }
    if (Object.keys(input).length === 0) {
      ctx.addIssue({ code: 'custom', message: `an empty scope: name at least one of ${SCOPE_KEYS.join(', ')}, or write "account"` });
      return z.NEVER;
    }
    const parsed = object.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
      return z.NEVER;
    }
    // In SCOPE_KEYS order, whatever order the file wrote them in: the key below and the API answer are stable.
    return Object.fromEntries(SCOPE_KEYS.filter((k) => parsed.data[k] !== undefined).map((k) => [k, parsed.data[k]!]));
  });
}

/**
 * A stable text for a scope: what alerts are keyed by (alerts_fired.subject) and what duplicates
 * are found by. The canonical JSON of the scope (keys in SCOPE_KEYS order), or `account`; ASCII
 * only (other characters as JSON \u escapes), since the alert id built from it is sent as a header.
 */
export function scopeKey(scope: BudgetScope): string {
  if (scope === 'account') return 'account';
  return JSON.stringify(scope).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The scope as a person reads it in a message: `account`, `client=acme, project=chatbot`. */
export function scopeText(scope: BudgetScope): string {
  if (scope === 'account') return 'account';
  return SCOPE_KEYS.filter((k) => scope[k] !== undefined).map((k) => `${k}=${scope[k]}`).join(', ');
}
