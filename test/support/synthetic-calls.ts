/**
 * Many realistic calls, generated inside ClickHouse (INSERT … SELECT FROM numbers(N)), for the
 * dashboard benchmark and the dashboard previews. Rows go into llm_calls, so the materialized view
 * feeds llm_usage_daily exactly as the receiver's inserts do.
 *
 * Distributions (deterministic, from cityHash64 of the row number): 12 clients, the first few doing
 * most of the traffic (quadratic skew) and 3% unattributed; 8 models where the cheap ones take most
 * calls and the expensive ones most cost; uniform over `days` days before `end`; a third of the
 * OpenAI/Anthropic calls read part of the prompt from cache; 0.5% unpriced, 0.3% unmetered.
 */

export const SYNTHETIC_CLIENTS = [
  ['acme', 'Acme Corp', 2500, 500],
  ['globex', 'Globex', 1500, 400],
  ['initech', 'Initech', 2000, 250],
  ['umbrella', 'Umbrella Health', 3000, 300],
  ['hooli', 'Hooli', 1000, 150],
  ['stark', 'Stark Industries', 2500, 120],
  ['wayne', 'Wayne Enterprises', 2000, 100],
  ['wonka', 'Wonka Foods', 1500, 60],
  ['cyberdyne', 'Cyberdyne', 2500, 40],
  ['soylent', 'Soylent', 1000, 30],
  ['tyrell', 'Tyrell Corp', 2000, 20],
  ['massive', 'Massive Dynamic', 1500, 10],
] as const;

// provider, model, then nano-USD per token: input, cache read, cache write, output (catalog prices / 1e3).
const MODELS = [
  ['openai', 'gpt-4o-mini-2024-07-18', 150, 75, 0, 600],
  ['openai', 'gpt-4o-2024-08-06', 2500, 1250, 0, 10000],
  ['anthropic', 'claude-3-5-haiku-20241022', 800, 80, 1000, 4000],
  ['gcp.gemini', 'gemini-2.0-flash', 100, 25, 0, 400],
  ['anthropic', 'claude-sonnet-4-20250514', 3000, 300, 3750, 15000],
  ['openai', 'o3-2025-04-16', 2000, 500, 0, 8000],
  ['mistral_ai', 'mistral-large-2411', 2000, 0, 0, 6000],
  ['anthropic', 'claude-opus-4-20250514', 15000, 1500, 18750, 75000],
] as const;

// Named, so columns added by later migrations take their defaults.
const CALL_COLUMNS = 'timestamp, trace_id, span_id, parent_span_id, client_id, client_key, project, feature, app, environment, user_id, provider, operation, request_model, response_model, response_id, service_tier, price_key, input_tokens, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, input_cost_nanos, cached_input_cost_nanos, cache_write_cost_nanos, output_cost_nanos, cost_nanos, producer_cost_nanos, priced, metered, estimated, duration_ms, status, error_type, dialect, scope_name, tag_keys, tag_values, received_at, revision';

const list = (values: readonly (string | number)[]) => `[${values.map((v) => (typeof v === 'number' ? String(v) : `'${v}'`)).join(', ')}]`;
const column = (i: number) => list(MODELS.map((m) => m[i]!));

export function clientsInsert(database: string, updatedAt: string): string {
  const rows = SYNTHETIC_CLIENTS.map(
    ([id, name, markup, budgetUsd], i) => `('${id}', '${name}', ${markup}, ${budgetUsd * 1_000_000_000}, ${i % 3 === 0 ? '[50, 80, 100]' : '[80, 100]'}, ${i % 2}, 1, '${updatedAt}')`,
  );
  return `INSERT INTO ${database}.clients (id, name, markup_bp, monthly_budget_nanos, alert_thresholds_pct, hard_cap, in_config, updated_at) VALUES ${rows.join(', ')}`;
}

/** `end` is 'YYYY-MM-DD hh:mm:ss' UTC; calls fall in the `days` days before it. */
export function callsInsert(database: string, rows: number, end: string, days: number): string {
  const h = (salt: number) => `cityHash64(number, ${salt})`;
  return `
INSERT INTO ${database}.llm_calls (${CALL_COLUMNS})
SELECT
    toDateTime(toUInt32(toDateTime('${end}', 'UTC')) - (${h(1)} % ${days * 86400}), 'UTC') AS timestamp,
    lower(concat(hex(${h(2)}), hex(${h(3)}))) AS trace_id, lower(hex(${h(4)})) AS span_id, '' AS parent_span_id,
    if(${h(5)} % 100 < 3, '', ${list(SYNTHETIC_CLIENTS.map((c) => c[0]))}[1 + intDiv((${h(6)} % 1000) * (${h(6)} % 1000) * 12, 1000000)]) AS client_id,
    'tokenledger.client.id' AS client_key,
    ['support-bot', 'search', 'reports', 'onboarding'][1 + ${h(7)} % 4] AS project,
    ['chat', 'summarize', 'classify', 'extract', 'rerank'][1 + ${h(8)} % 5] AS feature,
    ['api', 'worker', 'web'][1 + ${h(9)} % 3] AS app, 'production' AS environment, concat('u-', toString(${h(10)} % 5000)) AS user_id,
    if(unpriced, 'openai', ${column(0)}[m]) AS provider, 'chat' AS operation,
    if(unpriced, 'ft:gpt-4o-mini:custom', ${column(1)}[m]) AS request_model, request_model AS response_model, '' AS response_id, '' AS service_tier,
    if(unpriced, '', concat(provider, '/', request_model, '@2025-01-01')) AS price_key,
    if(metered, 200 + ${h(11)} % 6000, 0) AS input_tokens,
    if(${column(3)}[m] > 0 AND ${h(12)} % 3 = 0, intDiv(input_tokens * (${h(13)} % 90), 100), 0) AS cached_input_tokens,
    if(${column(4)}[m] > 0 AND ${h(14)} % 10 = 0, intDiv(input_tokens - cached_input_tokens, 4), 0) AS cache_write_tokens,
    toUInt64(0) AS cache_write_1h_tokens,
    if(metered, 20 + ${h(15)} % 1200, 0) AS output_tokens,
    if(provider = 'openai' AND startsWith(request_model, 'o'), intDiv(output_tokens, 2), 0) AS reasoning_tokens,
    if(unpriced, 0, toInt64(input_tokens - cached_input_tokens - cache_write_tokens) * ${column(2)}[m]) AS input_cost_nanos,
    if(unpriced, 0, toInt64(cached_input_tokens) * ${column(3)}[m]) AS cached_input_cost_nanos,
    if(unpriced, 0, toInt64(cache_write_tokens) * ${column(4)}[m]) AS cache_write_cost_nanos,
    if(unpriced, 0, toInt64(output_tokens) * ${column(5)}[m]) AS output_cost_nanos,
    input_cost_nanos + cached_input_cost_nanos + cache_write_cost_nanos + output_cost_nanos AS cost_nanos,
    CAST(NULL AS Nullable(Int64)) AS producer_cost_nanos,
    toUInt8(NOT unpriced AND metered) AS priced, toUInt8(metered) AS metered, toUInt8(0) AS estimated,
    toUInt32(300 + ${h(16)} % 9000) AS duration_ms, if(${h(17)} % 100 = 0, 'error', 'ok') AS status, '' AS error_type,
    'otel-genai' AS dialect, '@tokenledger/otel' AS scope_name, emptyArrayString() AS tag_keys, emptyArrayString() AS tag_values,
    timestamp AS received_at, toUInt32(0) AS revision
FROM
(
    SELECT number,
        1 + intDiv((${h(18)} % 1000) * (${h(18)} % 1000) * 8, 1000000) AS m,
        ${h(19)} % 1000 < 5 AS unpriced,
        ${h(20)} % 1000 >= 3 AS metered
    FROM numbers(${rows})
)`;
}

/** One row per minute and outcome over the `days` days before `end`, with a daily rhythm. */
export function ingestStatsInsert(database: string, end: string, days: number): string {
  return `
INSERT INTO ${database}.ingest_stats (minute, outcome, spans, lag_ms_sum)
SELECT minute, outcome, spans, if(outcome = 'billed', spans * (700 + toUInt64(400 * (1 + sin(number / 47.0))) + cityHash64(number, 2) % 250), 0) AS lag_ms_sum
FROM
(
    SELECT number, toDateTime(toUInt32(toStartOfMinute(toDateTime('${end}', 'UTC'))) - number * 60, 'UTC') AS minute,
        40 + toUInt64(30 * (1 + sin(number / 229.2))) + cityHash64(number, 1) % 20 AS billed,
        arrayJoin([('received', billed * 3 + 7), ('billed', billed), ('ignored', billed * 2), ('unmetered', intDiv(billed, 40)),
                   ('unpriced', intDiv(billed, 25)), ('rejected', toUInt64(cityHash64(number, 3) % 50 = 0)), ('duplicate', intDiv(billed, 60))]) AS pair,
        tupleElement(pair, 1) AS outcome, toInt64(tupleElement(pair, 2)) AS spans
    FROM numbers(${days * 1440})
)`;
}
