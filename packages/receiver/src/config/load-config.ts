import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { adminKeysFromEnv } from '../reconcile/reconcile-config.js';
import { envSchema, fileConfigSchema, type ApiToken, type AppConfig, type FileConfig } from './config-schema.js';

/** Names the first bad key with its path, e.g. `clients[1].markup_pct: Too small: expected number to be >=0`. */
export function describeIssues(source: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
        '',
      );
      const unknown = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ') : '';
      return unknown ? `${source}: unknown key ${unknown}` : `${source}: ${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

export function parseFileConfig(text: string, source: string): FileConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : '';
    throw new ConfigError(`${source}:${where} not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = fileConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(source, parsed.error));
  return parsed.data;
}

function parseApiTokens(entries: string[]): ApiToken[] {
  return entries.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq < 0) return { token: entry, clientId: null };
    const clientId = entry.slice(0, eq);
    const token = entry.slice(eq + 1);
    // Never echo the token itself: errors end up in logs.
    if (!clientId || !token) throw new ConfigError('TOKENLEDGER_API_TOKENS: an entry is written "client-id=token" with both parts non-empty');
    return { token, clientId };
  });
}

export interface LoadConfigInput {
  env: Record<string, string | undefined>;
  /** --config flag; wins over TOKENLEDGER_CONFIG. */
  configPath?: string | undefined;
  /** --port flag; wins over PORT. */
  port?: number | undefined;
  /** Read when no path is given, if present. */
  defaultConfigPath?: string;
}

async function readConfigFile(path: string, required: boolean): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`${path}: cannot read config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export async function loadConfig(input: LoadConfigInput): Promise<AppConfig> {
  const envParsed = envSchema.safeParse(input.env);
  if (!envParsed.success) throw new ConfigError(describeIssues('environment', envParsed.error));
  const env = envParsed.data;
  const explicit = input.configPath ?? env.TOKENLEDGER_CONFIG;
  const path = explicit ?? input.defaultConfigPath ?? null;
  const text = path ? await readConfigFile(path, explicit !== undefined) : null;
  const file = parseFileConfig(text ?? '', path ?? 'tokenledger.yaml');
  const ingestTokens = env.TOKENLEDGER_INGEST_TOKENS;
  const apiTokens = parseApiTokens(env.TOKENLEDGER_API_TOKENS);
  const open = ingestTokens.length === 0 && apiTokens.length === 0;
  return {
    clickhouse: {
      url: env.CLICKHOUSE_URL,
      username: env.CLICKHOUSE_USER,
      password: env.CLICKHOUSE_PASSWORD,
      database: env.CLICKHOUSE_DATABASE,
      cluster: env.CLICKHOUSE_CLUSTER ?? null,
      ...(env.CLICKHOUSE_CLUSTER_REPLICAS ? { replicasCluster: env.CLICKHOUSE_CLUSTER_REPLICAS } : {}),
    },
    server: {
      port: input.port ?? env.PORT,
      // Without tokens anyone who can reach the port could write and read bills: loopback only.
      host: open ? '127.0.0.1' : (env.TOKENLEDGER_LISTEN_HOST ?? '0.0.0.0'),
      ingestTokens,
      apiTokens,
    },
    logLevel: env.TOKENLEDGER_LOG_LEVEL,
    configPath: text === null ? null : path,
    file,
    ...(env.TOKENLEDGER_WEBHOOK_SECRET ? { webhookSecret: env.TOKENLEDGER_WEBHOOK_SECRET } : {}),
    ...(file.reconcile ? { adminKeys: adminKeysFromEnv(file.reconcile, input.env) } : {}),
  };
}
