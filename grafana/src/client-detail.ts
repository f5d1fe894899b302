import { dashboard, queryVariable, type Json } from './panel.js';
import { BUDGET_FIELDS, budgetUse, DAYS_IN_BUDGET_MONTH, IN_BUDGET_MONTH, IN_RANGE, MODEL, TO_DAY, RAW_RANGE, usd } from './sql.js';

const CLIENT = '${client:singlequote}';
const OF_CLIENT = `client_id = ${CLIENT}`;
const money = (name: string) => ({ matcher: { id: 'byName', options: name }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 2 }] });

export const clientDetail: Json = dashboard({
  uid: 'tokenledger-client-detail',
  title: 'TokenLedger · Client detail',
  description: 'One client: spend over time and where it goes, tokens, budget and forecast, the most expensive calls.',
  time: { from: 'now/M', to: 'now/M' },
  variables: [
    // Configured clients and any client id seen in traffic (in_config = 0 ids included).
    queryVariable(
      'client',
      'Client',
      `SELECT client_id FROM (SELECT id AS client_id FROM clients FINAL UNION ALL SELECT DISTINCT client_id FROM llm_usage_daily WHERE day >= today() - 400) WHERE client_id != '' GROUP BY client_id ORDER BY client_id`,
    ),
  ],
  panels: [
    {
      title: 'Spend per day',
      description: 'Provider cost per UTC day.',
      type: 'timeseries',
      format: 'timeSeries',
      grid: [0, 0, 12, 8],
      unit: 'currencyUSD',
      custom: { drawStyle: 'bars', fillOpacity: 80, lineWidth: 1 },
      sql: `
SELECT day AS time, ${usd('sum(cost_nanos)')} AS spend_usd
FROM llm_usage_daily
WHERE ${IN_RANGE} AND ${OF_CLIENT}
GROUP BY day
ORDER BY time`,
    },
    {
      title: 'Budget this month',
      description: "Spend this month against the monthly budget; colours at the client's alert levels.",
      type: 'gauge',
      grid: [12, 0, 6, 8],
      unit: 'percent',
      decimals: 1,
      options: { reduceOptions: { calcs: ['lastNotNull'], values: false }, showThresholdMarkers: true },
      transformations: [BUDGET_FIELDS],
      sql: budgetUse(`id = ${CLIENT}`),
    },
    {
      title: 'Month-end forecast',
      description: 'Spend so far this month, the month-end spend if the daily average so far holds (spent × days in month ÷ days elapsed up to the range end or today, today counted), and the budget.',
      type: 'stat',
      grid: [18, 0, 6, 8],
      unit: 'currencyUSD',
      decimals: 2,
      options: { reduceOptions: { calcs: ['lastNotNull'], values: false }, colorMode: 'none', textMode: 'value_and_name', orientation: 'horizontal' },
      sql: `
SELECT
    ${usd('spent_nanos')} AS spent_usd,
    ${usd('intDiv(spent_nanos * days_in_month, days_elapsed)')} AS forecast_usd,
    ${usd(`(SELECT any(monthly_budget_nanos) FROM clients FINAL WHERE id = ${CLIENT})`)} AS budget_usd
FROM
(
    SELECT sum(cost_nanos) AS spent_nanos, toDayOfMonth(least(${TO_DAY}, today())) AS days_elapsed, ${DAYS_IN_BUDGET_MONTH} AS days_in_month
    FROM llm_usage_daily
    WHERE ${IN_BUDGET_MONTH} AND ${OF_CLIENT}
)`,
    },
    {
      title: 'Spend by model',
      description: 'Provider cost per model in the range.',
      type: 'barchart',
      grid: [0, 8, 12, 8],
      unit: 'currencyUSD',
      options: { orientation: 'horizontal', xField: 'model', showValue: 'auto', legend: { showLegend: false } },
      sql: `
SELECT model, ${usd('sum(cost_nanos)')} AS spend_usd
FROM llm_usage_daily
WHERE ${IN_RANGE} AND ${OF_CLIENT}
GROUP BY model
ORDER BY sum(cost_nanos) DESC, model`,
    },
    {
      title: 'Tokens by type',
      description: 'Input split into uncached, cache reads and cache writes; output split into visible output and reasoning. The cached share is cache reads over all input.',
      type: 'bargauge',
      grid: [12, 8, 12, 8],
      unit: 'short',
      options: { orientation: 'horizontal', displayMode: 'basic', reduceOptions: { calcs: ['lastNotNull'], values: false } },
      overrides: [{ matcher: { id: 'byName', options: 'cached_share_pct' }, properties: [{ id: 'unit', value: 'percent' }, { id: 'max', value: 100 }] }],
      sql: `
SELECT
    sum(input_tokens) - sum(cached_input_tokens) - sum(cache_write_tokens) AS uncached_input,
    sum(cached_input_tokens) AS cached_input,
    sum(cache_write_tokens) AS cache_write,
    sum(output_tokens) - sum(reasoning_tokens) AS output,
    sum(reasoning_tokens) AS reasoning,
    round(sum(cached_input_tokens) * 100 / greatest(sum(input_tokens), 1), 1) AS cached_share_pct
FROM llm_usage_daily
WHERE ${IN_RANGE} AND ${OF_CLIENT}`,
    },
    {
      title: 'By project, app and feature',
      description: 'Where the spend goes inside the client.',
      type: 'table',
      grid: [0, 16, 24, 8],
      overrides: [money('spend_usd')],
      sql: `
SELECT project, app, feature, sum(calls) AS calls, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, ${usd('sum(cost_nanos)')} AS spend_usd
FROM llm_usage_daily
WHERE ${IN_RANGE} AND ${OF_CLIENT}
GROUP BY project, app, feature
ORDER BY sum(cost_nanos) DESC, project, app, feature`,
    },
    {
      title: 'Most expensive calls',
      description: 'The 20 costliest single calls in the range, each at its newest revision (a repriced or re-attributed call shows as it stands now).',
      type: 'table',
      grid: [0, 24, 24, 9],
      overrides: [money('cost_usd')],
      // FINAL without its cost: read the client's rows at least as costly as its 100th costliest
      // (found from the cost column alone) plus every revised row, then take each call's newest
      // revision (argMax). A revised row may lower a cost or move a call to another client, so all
      // revised rows come along. Exact unless 81+ of those 100 rows were replaced by newer revisions.
      sql: `
SELECT tupleElement(latest, 1) AS timestamp, trace_id, span_id,
    tupleElement(latest, 2) AS project, tupleElement(latest, 3) AS feature, tupleElement(latest, 4) AS app,
    tupleElement(latest, 5) AS provider, tupleElement(latest, 6) AS model,
    tupleElement(latest, 7) AS input_tokens, tupleElement(latest, 8) AS cached_input_tokens, tupleElement(latest, 9) AS output_tokens,
    ${usd('tupleElement(latest, 10)')} AS cost_usd, tupleElement(latest, 11) AS duration_ms
FROM
(
    SELECT trace_id, span_id,
        argMax((timestamp, project, feature, app, provider, ${MODEL}, input_tokens, cached_input_tokens, output_tokens, cost_nanos, duration_ms, client_id), revision) AS latest
    FROM llm_calls
    PREWHERE (${OF_CLIENT} AND cost_nanos >=
    (
        SELECT min(cost_nanos) FROM (SELECT cost_nanos FROM llm_calls WHERE ${RAW_RANGE} AND ${OF_CLIENT} ORDER BY cost_nanos DESC LIMIT 100)
    )) OR revision > 0
    WHERE ${RAW_RANGE}
    GROUP BY trace_id, span_id
)
WHERE tupleElement(latest, 12) = ${CLIENT}
ORDER BY tupleElement(latest, 10) DESC, timestamp DESC, span_id
LIMIT 20`,
    },
  ],
});
