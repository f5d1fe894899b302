-- The per-day rollup the dashboards read: one row per day x client x project x feature x app x
-- environment x provider x model after merges (SummingMergeTree adds up every other column).
-- The view takes first writes only (revision = 0); repricing and re-attribution write their
-- differences into this table directly, so the rollup stays equal to the raw calls.
CREATE TABLE IF NOT EXISTS {db}.llm_usage_daily {on_cluster}
(
    day Date,
    client_id String,
    project String,
    feature String,
    app String,
    environment String,
    provider String,
    model String,
    calls Int64,
    input_tokens Int64,
    cached_input_tokens Int64,
    cache_write_tokens Int64,
    output_tokens Int64,
    reasoning_tokens Int64,
    cost_nanos Int64,
    unpriced_calls Int64,
    unmetered_calls Int64,
    error_calls Int64
)
ENGINE = {engine:SummingMergeTree}
PARTITION BY toYYYYMM(day)
ORDER BY (day, client_id, project, feature, app, environment, provider, model);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.llm_usage_daily_mv {on_cluster}
TO {db}.llm_usage_daily
AS SELECT
    toDate(timestamp) AS day,
    client_id,
    project,
    feature,
    app,
    environment,
    provider,
    if(response_model = '', request_model, response_model) AS model,
    toInt64(count()) AS calls,
    toInt64(sum(input_tokens)) AS input_tokens,
    toInt64(sum(cached_input_tokens)) AS cached_input_tokens,
    toInt64(sum(cache_write_tokens + cache_write_1h_tokens)) AS cache_write_tokens,
    toInt64(sum(output_tokens)) AS output_tokens,
    toInt64(sum(reasoning_tokens)) AS reasoning_tokens,
    sum(cost_nanos) AS cost_nanos,
    toInt64(sum(metered = 1 AND priced = 0)) AS unpriced_calls,
    toInt64(sum(metered = 0)) AS unmetered_calls,
    toInt64(sum(status = 'error')) AS error_calls
FROM {db}.llm_calls
WHERE revision = 0
GROUP BY day, client_id, project, feature, app, environment, provider, model;
