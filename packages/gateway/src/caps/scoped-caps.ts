import { capsFor, type ScopedCap } from '@tokenledger/otel';
import { GatewayError } from '../errors.js';
import type { ScopedCapsSnapshot } from './budget-source.js';
import type { UnstoredSpend } from './unstored-spend.js';

/**
 * The `service.name` of the gateway's spans (spans/span-pipeline.ts): the app its calls are
 * stored under, so the app its calls fall in for budgets scoped to an app.
 */
export const GATEWAY_APP = 'tokenledger-gateway';

/** UnstoredSpend keys: a client's budget and a scope's live side by side, never the same text. */
export const clientSlot = (client: string) => `client:${client}`;
const scopeSlot = (cap: ScopedCap) => `scope:${cap.key}`;

/** Seconds until the period ends (at least 1), or an hour when the answer did not say. */
export function secondsUntil(end: Date | undefined, now: number): number {
  return end === undefined ? 3600 : Math.max(1, Math.ceil((end.getTime() - now) / 1000));
}

/**
 * The hard caps on scopes beyond one client that hold this call (docs/budgets.md); throws the
 * 429 naming the first one used up: its stored spend plus the gateway's own calls not yet in the
 * answer reach its budget (as for a client), or, when the receiver showed no figures (a
 * client-scoped token), its status says exceeded.
 */
export function scopedRefusal(call: { client?: string | undefined; project?: string | undefined; feature?: string | undefined }, scoped: ScopedCapsSnapshot, unstored: UnstoredSpend, now: number): ScopedCap[] {
  const caps = capsFor(scoped.caps, { client: call.client, project: call.project, feature: call.feature, app: GATEWAY_APP });
  for (const cap of caps) {
    const pending = cap.remainingNanos === null ? 0n : unstored.pendingFor(scopeSlot(cap), scoped.askedAt);
    if (cap.status === 'exceeded' || (cap.remainingNanos !== null && pending >= cap.remainingNanos)) {
      throw new GatewayError('budget_exceeded', `the budget of scope ${cap.scopeText} is used up for this period (hard cap); retry after the period ends`, 429, secondsUntil(cap.periodEnd, now));
    }
  }
  return caps;
}

/** Where a call admitted under `caps` reserves its estimate (redacted caps have no figures to reserve against). */
export function scopeSlots(caps: readonly ScopedCap[]): string[] {
  return caps.filter((c) => c.remainingNanos !== null).map(scopeSlot);
}
