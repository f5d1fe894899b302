-- Who runs the settle stage now, when several receivers share one database: each run claims the
-- current time slot (server clock), waits a moment, and runs only if its claim is the earliest of
-- the slot (ties: lowest holder). Settle is idempotent, so the only thing this prevents is two runs
-- overlapping and both adding the same rollup difference. Old days are dropped with span_links.
CREATE TABLE IF NOT EXISTS {db}.settle_leases {on_cluster}
(
    slot UInt64,
    holder String,
    claimed_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(claimed_at)
ORDER BY (slot, claimed_at, holder);
