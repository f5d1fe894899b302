-- The providers' own usage and cost reports (reconciliation, docs/reconciliation.md). One import
-- writes its rows under a fresh import_id, then registers the (provider, day) pairs it covered in
-- provider_imports in one insert: until then its rows are invisible, so a failed import changes
-- nothing, and a re-import replaces what an earlier one said about those days. Read the current
-- rows through provider_usage_current. kind: usage rows carry tokens, cost rows carry money.
-- model is the catalog model the pricing matcher resolves provider_model to (dated snapshot and
-- alias meet); client_id comes from the api_keys, then projects/workspaces maps at import time.
CREATE TABLE IF NOT EXISTS {db}.provider_usage {on_cluster}
(
    import_id String,
    day Date,
    provider String,
    source String,
    kind String,
    model String,
    provider_model String,
    project_id String,
    api_key_id String,
    client_id String,
    line_item String,
    input_tokens UInt64,
    cached_input_tokens UInt64,
    cache_write_tokens UInt64,
    output_tokens UInt64,
    requests UInt64,
    requests_reported UInt8,
    cost_nanos Int64,
    imported_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMM(day)
ORDER BY (provider, day, import_id, model, client_id);

-- import_id sorts by time (zero-padded epoch milliseconds first), so max(import_id) is the newest.
CREATE TABLE IF NOT EXISTS {db}.provider_imports {on_cluster}
(
    provider String,
    day Date,
    import_id String,
    source String,
    rows UInt64,
    imported_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMM(day)
ORDER BY (provider, day, import_id);

-- GLOBAL IN: on a cluster both names are Distributed tables, and a plain IN would be refused.
CREATE VIEW IF NOT EXISTS {db}.provider_usage_current {on_cluster} AS
SELECT *
FROM {db}.provider_usage
WHERE (provider, day, import_id) GLOBAL IN (SELECT provider, day, max(import_id) FROM {db}.provider_imports GROUP BY provider, day);
