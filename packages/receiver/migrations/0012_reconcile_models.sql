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
