import { z } from 'zod';

/** Provider id -> client id maps (projects, workspaces, API keys): keys as the provider prints them. */
const idMap = z.record(z.string().min(1).max(256), z.string().min(1).max(128)).default({});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

const openaiSource = z
  .object({
    provider: z.literal('openai'),
    /** The admin key is read from this variable at start, never from the file (it is never logged or stored). */
    admin_key_env: envName.default('OPENAI_ADMIN_KEY'),
    /** As the openai SDK's baseURL: includes /v1. */
    base_url: z.url().default('https://api.openai.com/v1'),
    projects: idMap,
    api_keys: idMap,
  })
  .strict();

const anthropicSource = z
  .object({
    provider: z.literal('anthropic'),
    admin_key_env: envName.default('ANTHROPIC_ADMIN_KEY'),
    /** As the @anthropic-ai/sdk baseURL: without /v1. */
    base_url: z.url().default('https://api.anthropic.com'),
    workspaces: idMap,
    api_keys: idMap,
  })
  .strict();

export const reconcileSourceSchema = z.discriminatedUnion('provider', [openaiSource, anthropicSource]);

/** `reconcile:` of tokenledger.yaml (design.md "Reconciliation"; docs/reconciliation.md). */
export const reconcileConfigSchema = z
  .object({
    /** |drift_pct| at or below this is a match; above it on a complete day, an alert. */
    tolerance_pct: z.number().min(0).max(100).default(2),
    /** serve imports this often (0 = never); one receiver at a time. */
    schedule_minutes: z.number().int().min(0).max(10_080).default(60),
    /** Each scheduled import re-reads this many past days (providers revise them). */
    lookback_days: z.number().int().min(1).max(31).default(3),
    webhook_url: z.url().optional(),
    webhook_format: z.enum(['slack', 'json']).optional(),
    /** Admin API requests per second per source, at most (a bounded rate; 429s are also honoured). */
    max_requests_per_second: z.number().positive().max(100).default(2),
    sources: z.array(reconcileSourceSchema).default([]),
  })
  .strict();

export type ReconcileConfig = z.infer<typeof reconcileConfigSchema>;
export type ReconcileSource = z.infer<typeof reconcileSourceSchema>;
export type ReconcileProvider = ReconcileSource['provider'];
export const RECONCILE_PROVIDERS: readonly ReconcileProvider[] = ['openai', 'anthropic'];

/** The admin key of each configured source, read from the variables the config names (load-config.ts). */
export function adminKeysFromEnv(config: ReconcileConfig | undefined, env: Record<string, string | undefined>): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const source of config?.sources ?? []) {
    const value = env[source.admin_key_env];
    if (value) keys[source.admin_key_env] = value;
  }
  return keys;
}
