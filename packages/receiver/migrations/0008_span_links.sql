-- The shape of every received trace, kept briefly for the settle stage (docs/normalization.md
-- "Settle"): one compact row per span that is not a billed call (a call's llm_calls row already
-- holds its parent and client), so a model call can inherit the client of
-- an ancestor (an HTTP server span a middleware tagged) and nested or repeated calls can be
-- recognised, even when the spans arrive in different requests. Written in the same flush as the
-- calls, so nothing is acknowledged before its link is stored. Re-sent spans collapse on merge.
-- Partitioned by the day received: old days are dropped whole (settle.link_retention_days).
CREATE TABLE IF NOT EXISTS {db}.span_links {on_cluster}
(
    trace_id String,
    span_id String,
    parent_span_id String,
    -- OTLP SpanKind: 1 internal, 2 server, 3 client, ...
    span_kind UInt8,
    timestamp DateTime('UTC'),
    -- The span's own client (span, resource, configured extra keys) and the key it came from.
    client_id String,
    client_key String,
    received_at DateTime('UTC')
)
ENGINE = {engine:ReplacingMergeTree}
PARTITION BY toDate(received_at)
ORDER BY (trace_id, span_id);
