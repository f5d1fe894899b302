-- One row per billed LLM call. Re-sent spans share (day, trace_id, span_id), the sorting key, so
-- ReplacingMergeTree keeps one of them; reports read with FINAL, and the receiver drops keys it
-- has already stored before inserting, so duplicates are rare even before a merge.
-- Costs are integer nano-USD (1e-9 USD): exact, summable, no floating point.
CREATE TABLE IF NOT EXISTS {db}.llm_calls {on_cluster}
(
    timestamp DateTime('UTC'),
    trace_id String,
    span_id String,
    parent_span_id String,
    client_id String,
    client_key String,
    project String,
    feature String,
    app String,
    environment String,
    user_id String,
    provider String,
    operation String,
    request_model String,
    response_model String,
    response_id String,
    service_tier String,
    price_key String,
    input_tokens UInt64,
    cached_input_tokens UInt64,
    cache_write_tokens UInt64,
    cache_write_1h_tokens UInt64,
    output_tokens UInt64,
    reasoning_tokens UInt64,
    input_cost_nanos Int64,
    cached_input_cost_nanos Int64,
    cache_write_cost_nanos Int64,
    output_cost_nanos Int64,
    cost_nanos Int64,
    producer_cost_nanos Nullable(Int64),
    priced UInt8,
    metered UInt8,
    estimated UInt8,
    duration_ms UInt32,
    status String,
    error_type String,
    dialect String,
    scope_name String,
    tag_keys Array(String),
    tag_values Array(String),
    received_at DateTime('UTC'),
    revision UInt32
)
ENGINE = {engine:ReplacingMergeTree(revision)}
PARTITION BY toYYYYMM(timestamp)
ORDER BY (toDate(timestamp), trace_id, span_id);
