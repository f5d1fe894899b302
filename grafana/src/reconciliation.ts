import { BARS, dashboard, queryVariable, type Json } from './panel.js';
import { IN_RANGE, usd } from './sql.js';

const OF_PROVIDERS = 'provider IN (${provider:singlequote})';

/**
 * Both sides of the bill per day, provider and model, as GET /api/v1/reconciliation keys them:
 * the provider's current import (provider_usage_current, its model already resolved by the
 * pricing matcher) and the tracked rollup, its model names mapped through reconcile_models (newest mapping per name; no
 * FINAL on dashboards), which every import fills from the same matcher. UNION ALL then one GROUP BY, not a FULL JOIN: a key
 * with one side only keeps its row. Tracked spend only for providers that were ever imported.
 */
const BOTH_SIDES = `
    SELECT day, provider, rmodel, sum(provider_nanos) AS provider_nanos, sum(provider_rows) AS provider_rows,
        sum(tracked_nanos) AS tracked_nanos, sum(tracked_calls) AS tracked_calls
    FROM
    (
        SELECT day, provider, model AS rmodel, cost_nanos AS provider_nanos, toInt64(1) AS provider_rows, toInt64(0) AS tracked_nanos, toInt64(0) AS tracked_calls
        FROM provider_usage_current
        WHERE ${IN_RANGE} AND ${OF_PROVIDERS}
        UNION ALL
        SELECT day, provider, if(canonical = '', model, canonical) AS rmodel, toInt64(0) AS provider_nanos, toInt64(0) AS provider_rows, cost_nanos AS tracked_nanos, calls AS tracked_calls
        FROM
        (
            SELECT day, provider, model, calls, cost_nanos
            FROM llm_usage_daily
            WHERE ${IN_RANGE} AND ${OF_PROVIDERS} AND provider GLOBAL IN (SELECT provider FROM provider_imports)
        ) AS tracked
        ANY LEFT JOIN (SELECT provider, name AS model, canonical FROM (SELECT provider, name, argMax(model, updated_at) AS canonical FROM reconcile_models GROUP BY provider, name)) AS models USING (provider, model)
    )
    GROUP BY day, provider, rmodel`;

const pct = (drift: string, base: string) => `if(${base} = 0, NULL, round((${drift}) * 100 / ${base}, 2))`;

export const reconciliation: Json = dashboard({
  uid: 'tokenledger-reconciliation',
  title: 'TokenLedger · Reconciliation',
  description: "The providers' own bill (imported from their usage and cost reports) against tracked spend, per day, provider and model: drift shows uninstrumented apps, lost spans and price errors. docs/reconciliation.md.",
  time: { from: 'now-30d', to: 'now' },
  variables: [queryVariable('provider', 'Provider', 'SELECT DISTINCT provider FROM provider_imports ORDER BY provider', { multi: true, includeAll: true })],
  panels: [
    {
      title: 'Provider bill, tracked, drift',
      description: 'Over the range: what the providers billed, what TokenLedger tracked for them, and the difference (provider − tracked) as money and as a share of the bill.',
      type: 'stat',
      grid: [0, 0, 24, 4],
      unit: 'currencyUSD',
      options: { reduceOptions: { calcs: ['lastNotNull'], values: false }, colorMode: 'none', textMode: 'value_and_name' },
      sql: `
SELECT ${usd('provider_nanos')} AS provider_usd, ${usd('tracked_nanos')} AS tracked_usd, ${usd('provider_nanos - tracked_nanos')} AS drift_usd,
    ${pct('provider_nanos - tracked_nanos', 'provider_nanos')} AS drift_pct
FROM (SELECT sum(provider_nanos) AS provider_nanos, sum(tracked_nanos) AS tracked_nanos FROM (${BOTH_SIDES}
))`,
    },
    {
      title: 'Provider bill vs tracked per day',
      description: 'Per UTC day: the providers\' bill and the tracked spend for the same providers.',
      type: 'timeseries',
      format: 'timeSeries',
      grid: [0, 4, 24, 9],
      unit: 'currencyUSD',
      custom: BARS,
      sql: `
SELECT day AS time, ${usd('sum(provider_nanos)')} AS provider_usd, ${usd('sum(tracked_nanos)')} AS tracked_usd
FROM (${BOTH_SIDES}
)
GROUP BY time
ORDER BY time`,
    },
    {
      title: 'Drift per day and provider',
      description: 'Days the provider reported: drift = provider − tracked (positive: the provider billed more than was tracked), as a percent of the bill. Days without provider data are left out, as they raise no alert.',
      type: 'table',
      grid: [0, 13, 12, 10],
      sql: `
SELECT day, provider, ${usd('billed')} AS provider_usd, ${usd('tracked')} AS tracked_usd, ${usd('billed - tracked')} AS drift_usd, ${pct('billed - tracked', 'billed')} AS drift_pct
FROM
(
    SELECT day, provider, sum(provider_nanos) AS billed, sum(tracked_nanos) AS tracked, sum(provider_rows) AS rows
    FROM (${BOTH_SIDES}
    )
    GROUP BY day, provider
    HAVING rows > 0
)
ORDER BY day, provider`,
    },
    {
      title: 'Untracked spend per provider and model',
      description: 'Per provider and model over the range: the bill, the tracked spend, the drift, and the part of the bill on days where that model had no tracked call at all (an uninstrumented app or a model nobody traces).',
      type: 'table',
      grid: [12, 13, 12, 10],
      sql: `
SELECT provider, rmodel AS model, ${usd('sum(provider_nanos)')} AS provider_usd, ${usd('sum(tracked_nanos)')} AS tracked_usd,
    ${usd('sum(provider_nanos) - sum(tracked_nanos)')} AS drift_usd, ${usd('sumIf(provider_nanos, tracked_calls = 0)')} AS untracked_usd
FROM (${BOTH_SIDES}
)
GROUP BY provider, model
ORDER BY untracked_usd DESC, provider, model`,
    },
  ],
});
