import { dashboard, queryVariable, type Json } from './panel.js';
import { BILLED, IN_RANGE, newestRevisions, RAW_RANGE, usd } from './sql.js';

const OF_PROVIDERS = 'provider IN (${provider:singlequote})';

const SHARES = `
SELECT provider, model, calls, cost_nanos,
    round(calls * 100 / total_calls, 2) AS call_share_pct,
    round(cost_nanos * 100 / total_cost, 2) AS cost_share_pct
FROM
(
    SELECT provider, model, sum(calls) AS calls, sum(cost_nanos) AS cost_nanos
    FROM llm_usage_daily
    WHERE ${IN_RANGE} AND ${OF_PROVIDERS}
    GROUP BY provider, model
    HAVING calls != 0
) AS per_model
CROSS JOIN
(
    SELECT greatest(sum(calls), 1) AS total_calls, greatest(sum(cost_nanos), 1) AS total_cost
    FROM llm_usage_daily
    WHERE ${IN_RANGE} AND ${OF_PROVIDERS}
) AS totals`;

/**
 * What cache reads saved: the cached tokens at the uncached input price, minus what they cost.
 * llm_calls keeps no unit price, so it is derived per price version (price_key) from the calls that
 * read from cache: sum(input_cost_nanos) / sum(uncached input tokens), uncached = input − cache
 * reads − cache writes. One price_key is one catalog price, so this is that price up to per-call
 * rounding, and it also covers calls read entirely from cache (no uncached tokens of their own).
 */
const SAVINGS_PER_PRICE = `
SELECT price_key, sum(sign * cached_input_tokens) AS cached_tokens, sum(sign * cached_input_cost_nanos) AS cached_cost,
    sum(sign * input_cost_nanos) AS input_cost, sum(sign * uncached_tokens) AS uncached_tokens
FROM
(${newestRevisions(
  'price_key, cached_input_tokens, cached_input_cost_nanos, input_cost_nanos, input_tokens - cached_input_tokens - cache_write_tokens - cache_write_1h_tokens AS uncached_tokens',
  `${RAW_RANGE} AND ${BILLED} AND priced = 1 AND cached_input_tokens > 0 AND ${OF_PROVIDERS}`,
)}
)
GROUP BY price_key`;

export const models: Json = dashboard({
  uid: 'tokenledger-models',
  title: 'TokenLedger · Models',
  description: 'Which models carry the cost: cost share against call share, cost per 1,000 calls, and what prompt caching saved.',
  time: { from: 'now-30d', to: 'now' },
  variables: [
    queryVariable('provider', 'Provider', `SELECT DISTINCT provider FROM llm_usage_daily WHERE day >= today() - 400 ORDER BY provider`, { multi: true, includeAll: true }),
  ],
  panels: [
    {
      title: 'Cost share against call share',
      description: 'Each model\'s share of all calls and of all cost in the range: "5% of calls, 60% of cost".',
      type: 'barchart',
      grid: [0, 0, 24, 9],
      unit: 'percent',
      options: { orientation: 'horizontal', xField: 'provider_model', showValue: 'auto', legend: { showLegend: true, displayMode: 'list', placement: 'bottom' } },
      sql: `
SELECT concat(provider, ' ', model) AS provider_model, call_share_pct, cost_share_pct
FROM (${SHARES}
)
ORDER BY cost_share_pct DESC, provider_model`,
    },
    {
      title: 'Models: calls, cost, cost per 1,000 calls',
      description: 'Cost per 1,000 calls is the provider cost of the model in the range divided by its calls, times 1,000.',
      type: 'table',
      grid: [0, 9, 24, 9],
      overrides: [{ matcher: { id: 'byRegexp', options: '.*_usd' }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 4 }] }],
      sql: `
SELECT provider, model, calls, call_share_pct, ${usd('cost_nanos')} AS spend_usd, cost_share_pct,
    toDecimal128(cost_nanos, 9) / 1000000 / calls AS per_1k_calls_usd
FROM (${SHARES}
)
ORDER BY cost_nanos DESC, provider, model`,
    },
    {
      title: 'Savings from cached tokens',
      description: 'Per price version (provider/model@date): cache reads priced at the uncached input price (derived from the calls themselves) minus what they cost.',
      type: 'table',
      grid: [0, 18, 24, 8],
      overrides: [{ matcher: { id: 'byRegexp', options: '.*_usd' }, properties: [{ id: 'unit', value: 'currencyUSD' }, { id: 'decimals', value: 2 }] }],
      sql: `
SELECT price_key, cached_tokens,
    ${usd('cached_cost')} AS cached_cost_usd,
    ${usd('full_cost')} AS at_input_price_usd,
    ${usd('full_cost - cached_cost')} AS saved_usd
FROM
(
    SELECT price_key, cached_tokens, cached_cost,
        if(uncached_tokens = 0, toInt64(0), toInt64(toDecimal128(cached_tokens, 0) * input_cost / greatest(uncached_tokens, 1))) AS full_cost
    FROM (${SAVINGS_PER_PRICE}
    )
    WHERE cached_tokens > 0
)
ORDER BY full_cost - cached_cost DESC, price_key`,
    },
  ],
});
