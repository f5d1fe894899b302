import { expect } from 'vitest';
import type { TestReceiver } from './receiver.js';

/** One `llm_calls` row as the end-to-end tests compare it: token buckets as numbers, money as bigint nano-USD. */
export interface StoredCall {
  client: string;
  project: string;
  feature: string;
  tags: Record<string, string>;
  app: string;
  provider: string;
  operation: string;
  requestModel: string;
  responseModel: string;
  serviceTier: string;
  priceKey: string;
  scope: string;
  tokens: { input: number; cached: number; write5m: number; write1h: number; output: number; reasoning: number };
  nanos: { input: bigint; cached: bigint; write: bigint; output: bigint; total: bigint };
}

interface Row {
  [column: string]: string | string[];
}

const COLUMNS = `client_id, project, feature, tag_keys, tag_values, app, provider, operation, request_model, response_model,
  service_tier, price_key, scope_name, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens,
  output_tokens, reasoning_tokens, input_cost_nanos, cached_input_cost_nanos, cache_write_cost_nanos, output_cost_nanos, cost_nanos`;

function toCall(row: Row): StoredCall {
  const text = (column: string) => row[column] as string;
  const keys = row.tag_keys as string[];
  const values = row.tag_values as string[];
  return {
    client: text('client_id'),
    project: text('project'),
    feature: text('feature'),
    tags: Object.fromEntries(keys.map((key, i) => [key, values[i]!])),
    app: text('app'),
    provider: text('provider'),
    operation: text('operation'),
    requestModel: text('request_model'),
    responseModel: text('response_model'),
    serviceTier: text('service_tier'),
    priceKey: text('price_key'),
    scope: text('scope_name'),
    tokens: {
      input: Number(text('input_tokens')),
      cached: Number(text('cached_input_tokens')),
      write5m: Number(text('cache_write_tokens')),
      write1h: Number(text('cache_write_1h_tokens')),
      output: Number(text('output_tokens')),
      reasoning: Number(text('reasoning_tokens')),
    },
    nanos: {
      input: BigInt(text('input_cost_nanos')),
      cached: BigInt(text('cached_input_cost_nanos')),
      write: BigInt(text('cache_write_cost_nanos')),
      output: BigInt(text('output_cost_nanos')),
      total: BigInt(text('cost_nanos')),
    },
  };
}

/** Every stored call of `client` (client ids are test-chosen literals, never user input). */
export async function storedCalls(r: TestReceiver, client: string): Promise<StoredCall[]> {
  const rows = await r.db.queryRows<Row>(`SELECT ${COLUMNS} FROM ${r.db.name}.llm_calls FINAL WHERE client_id = '${client}' ORDER BY timestamp`);
  return rows.map(toCall);
}

/** `cost_usd` of `client` as GET /api/v1/usage reports it (the number an invoice starts from). */
export async function reportedCostUsd(r: TestReceiver, client: string): Promise<string> {
  const res = await fetch(`${r.url}/api/v1/usage?from=2020-01-01&to=2100-01-01&group_by=client&client=${encodeURIComponent(client)}`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { rows: Array<{ client: string; cost_usd: string }> };
  expect(body.rows.map((row) => row.client)).toEqual([client]);
  return body.rows[0]!.cost_usd;
}
