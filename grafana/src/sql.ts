/**
 * SQL fragments shared by the dashboards. Every one runs on ClickHouse 18.16 and on 24.x to 26.x:
 * one JOIN per SELECT (18.16 has no multiple joins), ANY LEFT JOIN … USING (18.16 wants the
 * strictness), an alias on every joined subquery (current ClickHouse refuses one without:
 * joined_subquery_requires_alias, Code 206), no toStartOfInterval (so no $__timeInterval), no
 * window functions.
 * Tables are never qualified with a database: the datasource's defaultDatabase picks it.
 */

/** Nano-USD to exact decimal dollars (Decimal128, 9 places). Display only; the plugin shows it as a number. */
export const usd = (nanos: string) => `toDecimal128(${nanos}, 9) / 1000000000`;

// The rollup's `day` is the UTC day of the call (toDate of a DateTime('UTC')), so the picker's range
// becomes UTC days whatever the server's time zone. Whole days: a rollup cannot cut inside one.
export const FROM_DAY = `toDate($__fromTime, 'UTC')`;
export const TO_DAY = `toDate($__toTime, 'UTC')`;
export const IN_RANGE = `day >= ${FROM_DAY} AND day <= ${TO_DAY}`;
/** Calls that settle marked as repeating another call's usage are kept for audit, never billed. */
export const BILLED = `duplicate_of = ''`;

/**
 * The picker's range on llm_calls. The days are repeated on toDate(timestamp) because that, not
 * timestamp, leads the sorting key: ClickHouse 18.16 uses the primary key only for a condition on
 * the key expression itself (a bare $__timeFilter reads whole monthly partitions).
 */
export const RAW_RANGE = `toDate(timestamp) >= ${FROM_DAY} AND toDate(timestamp) <= ${TO_DAY} AND $__timeFilter(timestamp)`;
/**
 * The same days one month earlier, up to today's date: "this month" so far (1–25 November) is
 * compared with 1–25 October, not with all of October.
 */
export const IN_PREVIOUS_RANGE = `day >= subtractMonths(${FROM_DAY}, 1) AND day <= subtractMonths(least(${TO_DAY}, today()), 1)`;
/** The model the rollup groups by: the response model, else the request model (migration 0002). */
export const MODEL = `if(response_model = '', request_model, response_model)`;

/**
 * Billed nano-USD: cost × (10000 + markup_bp) / 10000, rounded half up, split so that no product
 * passes Int64 (a plain cost × 12500 overflows past ~$737k). Invoices round each line to cents;
 * this is the exact amount before that rounding.
 */
export const billed = (cost: string, markupBp: string) =>
  `(intDiv(${cost}, 10000) * (10000 + ${markupBp}) + intDiv((${cost} % 10000) * (10000 + ${markupBp}) + 5000, 10000))`;

/**
 * Spend and billed amount per client over the picker's range; unattributed spend bills nothing.
 * A zero-calls HAVING here and on the other rollup groups: repricing and settle write a change as
 * -old +new rows, so a group emptied by them (a call marked a duplicate) sums to nothing, and should
 * not show as a zero row until SummingMergeTree happens to merge it away.
 */
export const SPEND_AND_BILLED_PER_CLIENT = `
SELECT client_id, name, calls, cost_nanos, if(client_id = '', toInt64(0), toInt64(${billed('cost_nanos', 'markup_bp')})) AS billed_nanos
FROM
(
    SELECT client_id, sum(calls) AS calls, sum(cost_nanos) AS cost_nanos
    FROM llm_usage_daily
    WHERE ${IN_RANGE}
    GROUP BY client_id
    HAVING calls != 0
) AS spend
ANY LEFT JOIN (SELECT id AS client_id, name, markup_bp FROM clients FINAL) AS known USING client_id`;

/**
 * A client's alert levels as three bar-gauge thresholds: the first level turns the bar yellow, the
 * last-but-one orange, the last red. [50, 80, 100] gives 50/80/100; [80, 100] gives 80/80/100;
 * no levels at all means red at 100%.
 */
export const THRESHOLD_COLUMNS = (levels: string) => `
    if(length(${levels}) = 0, 100, ${levels}[1]) AS threshold_first,
    if(length(${levels}) < 3, if(length(${levels}) = 0, 100, ${levels}[1]), ${levels}[-2]) AS threshold_high,
    if(length(${levels}) = 0, 100, ${levels}[-1]) AS threshold_last`;

/**
 * The first day of the billing period that holds the range's end, for periods starting on day
 * `startDay` (1–28) of the month: the same rule as packages/receiver/src/billing/billing-period.ts.
 */
export const periodStart = (startDay: string) =>
  `if(toDayOfMonth(${TO_DAY}) >= ${startDay}, addDays(toStartOfMonth(${TO_DAY}), ${startDay} - 1), addDays(subtractMonths(toStartOfMonth(${TO_DAY}), 1), ${startDay} - 1))`;

/** Spend per client in its billing period holding the range's end, up to that end. */
export const SPENT_THIS_PERIOD = `
    SELECT client_id, sum(cost_nanos) AS spent_nanos
    FROM
    (
        SELECT day, client_id, cost_nanos
        FROM llm_usage_daily
        WHERE day >= subtractMonths(toStartOfMonth(${TO_DAY}), 1) AND day <= ${TO_DAY}
    ) AS recent
    ANY LEFT JOIN (SELECT id AS client_id, period_start_day AS start_day FROM clients FINAL) AS periods USING client_id
    WHERE day >= ${periodStart('greatest(start_day, 1)')}
    GROUP BY client_id`;

/**
 * Budget use per client with a budget, in its current billing period: one row per client;
 * rowsToFields turns each row into a field whose thresholds come from that client's own levels.
 */
export const budgetUse = (clientFilter: string) => `
SELECT
    if(name = '', client_id, name) AS client,
    round(spent_nanos * 100 / budget_nanos, 1) AS used_pct,${THRESHOLD_COLUMNS('levels')}
FROM
(
    SELECT id AS client_id, name, monthly_budget_nanos AS budget_nanos, alert_thresholds_pct AS levels
    FROM clients FINAL
    WHERE monthly_budget_nanos > 0${clientFilter ? ` AND ${clientFilter}` : ''}
) AS budgets
ANY LEFT JOIN (${SPENT_THIS_PERIOD}
) AS spent USING client_id
ORDER BY used_pct DESC, client`;

/** rowsToFields: a field per client, its value the use, its thresholds the client's alert levels. */
export const BUDGET_FIELDS = {
  id: 'rowsToFields',
  options: {
    mappings: [
      { fieldName: 'client', handlerKey: 'field.name' },
      { fieldName: 'used_pct', handlerKey: 'field.value' },
      { fieldName: 'threshold_first', handlerKey: 'threshold1', handlerArguments: { threshold: { color: 'yellow' } } },
      { fieldName: 'threshold_high', handlerKey: 'threshold1', handlerArguments: { threshold: { color: 'orange' } } },
      { fieldName: 'threshold_last', handlerKey: 'threshold1', handlerArguments: { threshold: { color: 'red' } } },
    ],
  },
};

/*
 * Raw calls without FINAL. On ClickHouse 18.16, FINAL merges whole partitions in one thread: 3–9 s
 * per panel on 10M calls (bench/dashboards.bench.ts). A call's rows share (day, trace_id, span_id),
 * the table's sorting key, and the newest revision wins; so a query can read every row and take
 * back the rows a newer revision replaces, found through the primary key. Same answer as FINAL,
 * except for two copies of the same revision (a re-send that slipped past the receiver's check),
 * which FINAL would fold and the rollup counts twice as well.
 */
const REVISED_CALLS = `SELECT toDate(timestamp) AS day, trace_id, span_id, max(revision) AS newest
        FROM llm_calls WHERE ${RAW_RANGE} AND revision > 0 GROUP BY day, trace_id, span_id`;

/** The rows of `where` with a `sign` column: +1 for every row, -1 again for each replaced one. Sum with sign. */
export const newestRevisions = (columns: string, where: string) => `
    SELECT toInt8(1) AS sign, ${columns}
    FROM llm_calls
    WHERE ${where}
    UNION ALL
    SELECT toInt8(-1) AS sign, ${columns}
    FROM llm_calls
    WHERE (toDate(timestamp), trace_id, span_id) IN (SELECT day, trace_id, span_id FROM (${REVISED_CALLS}))
        AND (trace_id, span_id, revision) IN (SELECT trace_id, span_id, r FROM (${REVISED_CALLS}) ARRAY JOIN range(newest) AS r)
        AND ${where}`;
