import { z } from 'zod';
import { BUDGET_UNAVAILABLE_POLICIES, type BudgetUnavailablePolicy } from '../caps/budget-unavailable.js';
import { GatewayConfigError } from '../errors.js';

const upstreamSchema = z.object({ base_url: z.url() }).strict();

/** The receiver's rule for `clients[].id` (config-schema.ts there; this package cannot import the receiver, which imports it). */
const clientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ - only');

const keySchema = z
  .object({
    client: clientId,
    key_sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, '64 hex digits: the sha256 of the virtual key, never the key itself')
      .transform((hex) => hex.toLowerCase()),
    rpm: z.number().int().positive().max(1_000_000).optional(),
  })
  .strict();

export const DEFAULT_UPSTREAMS = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
} as const;

/** The `gateway:` section of tokenledger.yaml (design.md "Gateway"); unknown keys are errors. */
export const gatewaySectionSchema = z
  .object({
    receiver_url: z.url().default('http://127.0.0.1:4318'),
    upstreams: z
      .object({ openai: upstreamSchema.optional(), anthropic: upstreamSchema.optional(), gemini: upstreamSchema.optional() })
      .strict()
      .default({}),
    keys: z.array(keySchema).default([]),
    /** How old a budget answer from the receiver may be before it is asked again (docs/gateway.md "Caps"). */
    budget_max_age_seconds: z.number().min(0).max(300).default(5),
    /** Who is served while the receiver's budget API does not answer and no earlier answer is known. */
    budget_unavailable: z.enum(BUDGET_UNAVAILABLE_POLICIES).default('refuse_hard_capped'),
    /** Gateway replicas behind one balancer: each allows a key rpm / replicas (docs/gateway.md "Caps"). */
    replicas: z.number().int().min(1).max(1000).default(1),
    /** In-flight calls get this long to finish on SIGTERM before their connections are cut. */
    drain_seconds: z.number().int().min(0).max(3600).default(30),
  })
  .strict()
  .superRefine((section, ctx) => {
    const seen = new Set<string>();
    section.keys.forEach((k, i) => {
      if (seen.has(k.key_sha256)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'key_sha256'], message: 'the same key is listed twice' });
      seen.add(k.key_sha256);
    });
  });

export type GatewaySection = z.infer<typeof gatewaySectionSchema>;
export type ProviderName = keyof typeof DEFAULT_UPSTREAMS;

/** The environment the gateway reads (given by the CLI entry; nothing here touches process.env). */
export const gatewayEnvSchema = z.object({
  TOKENLEDGER_RECEIVER_URL: z.url().optional(),
  TOKENLEDGER_RECEIVER_INGEST_TOKEN: z.string().min(1).optional(),
  TOKENLEDGER_RECEIVER_API_TOKEN: z.string().min(1).optional(),
  TOKENLEDGER_GATEWAY_HOST: z.string().min(1).optional(),
  TOKENLEDGER_GATEWAY_REPLICAS: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'an integer from 1 to 999')
    .transform(Number)
    .optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  GEMINI_API_KEY: z.string().min(1).optional(),
});

export interface VirtualKeyConfig {
  client: string;
  keySha256: string;
  rpm: number | undefined;
}

/** The one gateway configuration value, built once at start. */
export interface GatewayConfig {
  host: string;
  port: number;
  receiverUrl: string;
  ingestToken: string | undefined;
  apiToken: string | undefined;
  upstreams: Record<ProviderName, string>;
  keys: VirtualKeyConfig[];
  /** The real provider keys, sent upstream in place of a virtual key. */
  providerKeys: Partial<Record<ProviderName, string>>;
  budgetMaxAgeMs: number;
  budgetUnavailable: BudgetUnavailablePolicy;
  /** How many gateways share each key's rpm. */
  replicas: number;
  drainMs: number;
}

function describe(source: string, error: z.ZodError): string {
  return error.issues.map((i) => `${source}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

const providerKeyVar = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY', gemini: 'GEMINI_API_KEY' } as const;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Builds the config from the raw `gateway:` section, the environment and the port flag. */
export function parseGatewayConfig(section: unknown, env: Record<string, string | undefined>, port = 4000): GatewayConfig {
  const file = gatewaySectionSchema.safeParse(section ?? {});
  if (!file.success) throw new GatewayConfigError(describe('gateway', file.error));
  // An empty variable is an unset one: compose's `${OPENAI_API_KEY:-}` passes "" when the host has none.
  const vars = gatewayEnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!vars.success) throw new GatewayConfigError(describe('environment', vars.error));
  const g = file.data;
  const e = vars.data;
  const keys = g.keys.map((k) => ({ client: k.client, keySha256: k.key_sha256, rpm: k.rpm }));
  const replicas = e.TOKENLEDGER_GATEWAY_REPLICAS ?? g.replicas;
  const starved = g.keys.findIndex((k) => k.rpm !== undefined && k.rpm < replicas);
  // Each replica allows rpm / replicas; below one call a minute the key could never be used.
  if (starved !== -1) throw new GatewayConfigError(`gateway: keys.${starved}.rpm: ${g.keys[starved]!.rpm} is fewer than the ${replicas} replicas that share it (each allows rpm / replicas)`);
  if (keys.length > 0) {
    const missing = (['openai', 'anthropic', 'gemini'] as const).filter((p) => !e[providerKeyVar[p]]);
    // With virtual keys the caller has no provider key to send: a provider without ours cannot work.
    if (missing.length === 3) throw new GatewayConfigError('gateway.keys is set, so set at least one of OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY');
  }
  return {
    // Pass-through mode lets anyone who reaches the port spend their own key under any client name:
    // loopback unless the operator says otherwise (the receiver's rule for a surface without tokens).
    host: e.TOKENLEDGER_GATEWAY_HOST ?? (keys.length > 0 ? '0.0.0.0' : '127.0.0.1'),
    port,
    receiverUrl: trimSlash(e.TOKENLEDGER_RECEIVER_URL ?? g.receiver_url),
    ingestToken: e.TOKENLEDGER_RECEIVER_INGEST_TOKEN,
    apiToken: e.TOKENLEDGER_RECEIVER_API_TOKEN,
    upstreams: {
      openai: trimSlash(g.upstreams.openai?.base_url ?? DEFAULT_UPSTREAMS.openai),
      anthropic: trimSlash(g.upstreams.anthropic?.base_url ?? DEFAULT_UPSTREAMS.anthropic),
      gemini: trimSlash(g.upstreams.gemini?.base_url ?? DEFAULT_UPSTREAMS.gemini),
    },
    keys,
    providerKeys: {
      ...(e.OPENAI_API_KEY ? { openai: e.OPENAI_API_KEY } : {}),
      ...(e.ANTHROPIC_API_KEY ? { anthropic: e.ANTHROPIC_API_KEY } : {}),
      ...(e.GEMINI_API_KEY ? { gemini: e.GEMINI_API_KEY } : {}),
    },
    budgetMaxAgeMs: Math.round(g.budget_max_age_seconds * 1000),
    budgetUnavailable: g.budget_unavailable,
    replicas,
    drainMs: g.drain_seconds * 1000,
  };
}

