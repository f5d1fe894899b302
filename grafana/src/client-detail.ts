import { BARS, dashboard, queryVariable, type Json } from './panel.js';
import { BUDGET_FIELDS, budgetUse, IN_RANGE, MODEL, periodStart, RAW_RANGE, SPENT_THIS_PERIOD, usd } from './sql.js';

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
      custom: BARS,
      sql: `
SELECT day AS time, ${usd('sum(cost_nanos)')} AS spend_usd
FROM llm_usage_daily
WHERE ${IN_RANGE} AND ${OF_CLIENT}
GROUP BY day
HAVING sum(calls) != 0
ORDER BY time`,
    },
    {
      title: 'Budget this period',
      description: "Spend in the current billing period against the monthly budget; colours at the client's alert levels.",
      type: 'gauge',
      grid: [12, 0, 6, 8],
      unit: 'percent',
      decimals: 1,
      options: { reduceOptions: { calcs: ['lastNotNull'], values: false }, showThresholdMarkers: true },
      transformations: [BUDGET_FIELDS],
      sql: budgetUse(`id = ${CLIENT}`),
    },
    {
      title: 'Period-end forecast',
      description: 'Spend so far in the billing period, the spend at period end if the run rate so far holds (spent × period length ÷ time elapsed up to now or the range end, as the budgets API projects), and the budget.',
      type: 'stat',
      grid: [18, 0, 6, 8],
      unit: 'currencyUSD',
      decimals: 2,
      options: { reduceOptions: { calcs: ['lastNotNull'], values: false }, colorMode: 'none', textMode: 'value_and_name', orientation: 'horizontal' },
      sql: `
SELECT
    ${usd('spent_nanos')} AS spent_usd,
    ${usd('toInt64((toDecimal128(spent_nanos, 0) * (end_s - start_s) * 2 + elapsed_s) / (2 * elapsed_s))')} AS forecast_usd,
    ${usd('budget_nanos')} AS budget_usd
FROM
(
    SELECT budget_nanos, start_s, end_s,
        greatest(least(least(toUInt32(now()), toUInt32($__toTime) + 1), end_s) - start_s, 1) AS elapsed_s,
        (SELECT sum(spent_nanos) FROM (${SPENT_THIS_PERIOD}) WHERE ${OF_CLIENT}) AS spent_nanos
    FROM
    (
        SELECT budget_nanos, toUInt32(toDateTime(start, 'UTC')) AS start_s, toUInt32(toDateTime(addMonths(start, 1), 'UTC')) AS end_s
        FROM
        (
            SELECT any(monthly_budget_nanos) AS budget_nanos, ${periodStart('greatest(any(period_start_day), 1)')} AS start
            FROM clients FINAL
            WHERE id = ${CLIENT}
        )
    )
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
HAVING sum(calls) != 0
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
HAVING calls != 0
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
      // revision (argMax). A revised row may lower a cost, move a call to another client or mark it
      // a duplicate (never billed), so all revised rows come along. Exact unless 81+ of those 100 rows were replaced by newer revisions.
      sql: `
SELECT tupleElement(latest, 1) AS timestamp, trace_id, span_id,
    tupleElement(latest, 2) AS project, tupleElement(latest, 3) AS feature, tupleElement(latest, 4) AS app,
    tupleElement(latest, 5) AS provider, tupleElement(latest, 6) AS model,
    tupleElement(latest, 7) AS input_tokens, tupleElement(latest, 8) AS cached_input_tokens, tupleElement(latest, 9) AS output_tokens,
    ${usd('tupleElement(latest, 10)')} AS cost_usd, tupleElement(latest, 11) AS duration_ms
FROM
(
    SELECT trace_id, span_id,
        argMax((timestamp, project, feature, app, provider, ${MODEL}, input_tokens, cached_input_tokens, output_tokens, cost_nanos, duration_ms, client_id, duplicate_of), revision) AS latest
    FROM llm_calls
    PREWHERE (${OF_CLIENT} AND cost_nanos >=
    (
        SELECT min(cost_nanos) FROM (SELECT cost_nanos FROM llm_calls WHERE ${RAW_RANGE} AND ${OF_CLIENT} ORDER BY cost_nanos DESC LIMIT 100)
    )) OR revision > 0
    WHERE ${RAW_RANGE}
    GROUP BY trace_id, span_id
)
WHERE tupleElement(latest, 12) = ${CLIENT} AND tupleElement(latest, 13) = ''
ORDER BY tupleElement(latest, 10) DESC, timestamp DESC, span_id
LIMIT 20`,
    },
    {
      title: 'Cost per unit',
      description:
        'AI cost per business unit (tokenledger.unit.kind / .id: articles, conversations…): distinct units of each kind worked on in the range, their calls and cost, and cost ÷ units rounded half-up to the nano-USD, as GET /api/v1/usage?group_by=unit_kind answers it. Calls without a unit are their own row.',
      type: 'table',
      grid: [0, 33, 24, 8],
      overrides: [money('spend_usd'), { matcher: { id: 'byName', options: 'cost_per_unit_usd' }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 4 }] }],
      // From the calls, not the rollup: distinct unit ids need the ids. Each call at its newest
      // revision (argMax, as "Most expensive calls" reads them, FINAL being too slow for a
      // dashboard): a re-sent span is one call, a call settle marked a duplicate or moved to another
      // client drops out. Half-up division on the integer nano-USD: (2 x cost + units) div (2 x units).
      sql: `
SELECT if(unit_kind = '', '(no unit)', unit_kind) AS unit, units, calls, ${usd('cost_nanos')} AS spend_usd,
    if(units = 0, NULL, ${usd('intDiv(cost_nanos * 2 + units, greatest(units, 1) * 2)')}) AS cost_per_unit_usd
FROM
(
    SELECT tupleElement(latest, 1) AS unit_kind,
        toInt64(uniqExactIf(tupleElement(latest, 2), tupleElement(latest, 1) != '' AND tupleElement(latest, 2) != '')) AS units,
        count() AS calls, sum(tupleElement(latest, 3)) AS cost_nanos
    FROM
    (
        SELECT trace_id, span_id, argMax((unit_kind, unit_id, cost_nanos, client_id, duplicate_of), revision) AS latest
        FROM llm_calls
        WHERE ${RAW_RANGE} AND (${OF_CLIENT} OR revision > 0)
        GROUP BY trace_id, span_id
    )
    WHERE tupleElement(latest, 4) = ${CLIENT} AND tupleElement(latest, 5) = ''
    GROUP BY unit_kind
)
ORDER BY unit_kind = '', cost_nanos DESC, unit_kind`,
    },
  ],
});
