-- The rollup keys (llm_usage_daily's sorting key) whose calls settle or reprice is about to
-- rewrite, written BEFORE the call revisions: if the process dies between the revisions and the
-- rollup correction, the next settle run finds the keys here and converges them (settle/
-- rollup-converge.ts sets each key's rollup to what its billed calls add up to). Working memory
-- only: whole days are dropped with span_links (settle.link_retention_days).
CREATE TABLE IF NOT EXISTS {db}.rollup_dirty {on_cluster}
(
    day Date,
    client_id String,
    project String,
    feature String,
    app String,
    environment String,
    provider String,
    model String,
    marked_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toDate(marked_at)
ORDER BY (marked_at, day, client_id);
