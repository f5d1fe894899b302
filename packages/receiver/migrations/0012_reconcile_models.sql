-- The catalog model each provider or tracked model name resolves to through the pricing matcher,
-- written by every reconcile import, so SQL (Grafana) can put gpt-4o-2024-08-06 and gpt-4o on
-- one row as GET /api/v1/reconciliation does. Names the catalog does not know map to themselves.
CREATE TABLE IF NOT EXISTS {db}.reconcile_models {on_cluster}
(
    provider String,
    name String,
    model String,
    updated_at DateTime('UTC')
)
ENGINE = {engine:ReplacingMergeTree(updated_at)}
ORDER BY (provider, name);

-- Who runs the scheduled import now, when several receivers share one database: one claim per
-- schedule slot, the earliest claim wins (as settle_leases).
CREATE TABLE IF NOT EXISTS {db}.reconcile_leases {on_cluster}
(
    slot UInt64,
    holder String,
    claimed_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(claimed_at)
ORDER BY (slot, claimed_at, holder);
