-- Clients as configured in tokenledger.yaml, synced at start so SQL and Grafana can join names,
-- markup and budgets. Money is integer nano-USD; markup is in basis points (25% = 2500).
CREATE TABLE IF NOT EXISTS {db}.clients {on_cluster}
(
    id String,
    name String,
    markup_bp UInt32,
    monthly_budget_nanos Int64,
    alert_thresholds_pct Array(UInt16),
    hard_cap UInt8,
    in_config UInt8,
    updated_at DateTime('UTC')
)
ENGINE = {engine:ReplacingMergeTree(updated_at)}
ORDER BY id;
