import { BARS, dashboard, type Json } from './panel.js';
import { BUDGET_FIELDS, budgetUse, IN_PREVIOUS_RANGE, IN_RANGE, SPEND_AND_BILLED_PER_CLIENT, usd } from './sql.js';

const clientLink = [
  {
    matcher: { id: 'byName', options: 'client' },
    properties: [{ id: 'links', value: [{ title: 'Client detail', url: '/d/tokenledger-client-detail?var-client=${__value.raw}&${__url_time_range}' }] }],
  },
];

export const agencyOverview: Json = dashboard({
  uid: 'tokenledger-agency-overview',
  title: 'TokenLedger · Agency overview',
  description: 'What every client cost and what you bill them this period, the spend nobody can be billed for, and budgets.',
  time: { from: 'now/M', to: 'now/M' },
  panels: [
    {
      title: 'Spend, billed, margin',
      description: 'Provider cost of all calls in the range (unattributed included), the amount billed with each client\'s markup, and the difference.',
      type: 'stat',
      grid: [0, 0, 12, 5],
      unit: 'currencyUSD',
      decimals: 2,
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'none', textMode: 'value_and_name' },
      sql: `
SELECT
    ${usd('sum(cost_nanos)')} AS spend_usd,
    ${usd('sum(billed_nanos)')} AS billed_usd,
    ${usd('sum(billed_nanos) - sum(cost_nanos)')} AS margin_usd
FROM (${SPEND_AND_BILLED_PER_CLIENT}
)`,
    },
    {
      title: 'Spend nobody can bill',
      description: 'Unattributed spend (no tokenledger.client.id), and calls whose cost is unknown: unpriced (model without a price) and unmetered (no token usage reported). Never shown as $0.',
      type: 'stat',
      grid: [12, 0, 12, 5],
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', textMode: 'value_and_name' },
      overrides: [{ matcher: { id: 'byName', options: 'unattributed_usd' }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 2 }] }],
      custom: {},
      sql: `
SELECT
    ${usd("sumIf(cost_nanos, client_id = '')")} AS unattributed_usd,
    sumIf(calls, client_id = '') AS unattributed_calls,
    sum(unpriced_calls) AS unpriced_calls,
    sum(unmetered_calls) AS unmetered_calls
FROM llm_usage_daily
WHERE ${IN_RANGE}`,
    },
    {
      title: 'Clients this period',
      description: 'Per client: calls, provider cost, billed amount with markup, margin, and the trend against the same days one month earlier.',
      type: 'table',
      grid: [0, 5, 24, 9],
      overrides: [
        ...clientLink,
        { matcher: { id: 'byRegexp', options: '.*_usd' }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 2 }] },
        { matcher: { id: 'byName', options: 'change_pct' }, properties: [{ id: 'unit', value: 'percent' }] },
      ],
      options: { sortBy: [{ displayName: 'spend_usd', desc: true }] },
      sql: `
SELECT
    client_id AS client,
    if(client_id = '', '(unattributed)', name) AS client_name,
    calls,
    ${usd('cost_nanos')} AS spend_usd,
    ${usd('billed_nanos')} AS billed_usd,
    ${usd('billed_nanos - cost_nanos')} AS margin_usd,
    ${usd('previous_nanos')} AS previous_usd,
    if(previous_nanos = 0, NULL, round((cost_nanos - previous_nanos) * 100 / previous_nanos, 1)) AS change_pct
FROM (${SPEND_AND_BILLED_PER_CLIENT}
) AS current
ANY LEFT JOIN
(
    SELECT client_id, sum(cost_nanos) AS previous_nanos
    FROM llm_usage_daily
    WHERE ${IN_PREVIOUS_RANGE}
    GROUP BY client_id
    HAVING sum(calls) != 0
) AS previous USING client_id
ORDER BY cost_nanos DESC, client`,
    },
    {
      title: 'Daily spend per client',
      description: 'Provider cost per UTC day and client.',
      type: 'timeseries',
      format: 'timeSeries',
      grid: [0, 14, 12, 9],
      unit: 'currencyUSD',
      custom: { ...BARS, stacking: { mode: 'normal', group: 'A' } },
      sql: `
SELECT day AS time, if(client_id = '', '(unattributed)', client_id) AS client, ${usd('sum(cost_nanos)')} AS spend_usd
FROM llm_usage_daily
WHERE ${IN_RANGE}
GROUP BY day, client_id
HAVING sum(calls) != 0
ORDER BY time, client`,
    },
    {
      title: 'Top models',
      description: 'The ten models that cost the most in the range, with their share of all spend.',
      type: 'table',
      grid: [12, 14, 12, 9],
      overrides: [{ matcher: { id: 'byName', options: 'spend_usd' }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 2 }] }],
      sql: `
SELECT provider, model, sum(calls) AS calls, ${usd('sum(cost_nanos)')} AS spend_usd,
    round(sum(cost_nanos) * 100 / (SELECT greatest(sum(cost_nanos), 1) FROM llm_usage_daily WHERE ${IN_RANGE}), 1) AS share_pct
FROM llm_usage_daily
WHERE ${IN_RANGE}
GROUP BY provider, model
HAVING calls != 0
ORDER BY sum(cost_nanos) DESC, provider, model
LIMIT 10`,
    },
    {
      title: 'Budget used this billing period',
      description: "Spend in each client's billing period holding the range's end (periods start on the client's period_start_day) against its monthly budget. Colours follow the client's own alert levels: yellow at the first, orange at the last but one, red at the last.",
      type: 'bargauge',
      grid: [0, 23, 24, 8],
      unit: 'percent',
      decimals: 1,
      options: { orientation: 'horizontal', displayMode: 'gradient', showUnfilled: true, minVizHeight: 16, reduceOptions: { calcs: ['lastNotNull'], values: false } },
      transformations: [BUDGET_FIELDS],
      sql: budgetUse(''),
    },
  ],
});
