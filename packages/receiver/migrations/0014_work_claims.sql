-- Work that must happen once across every receiver sharing the database (a threshold alert, a
-- resend of an undelivered one, an import): each receiver that wants to do it writes a claim, waits
-- a moment, and does it only if its claim is the earliest (ties: lowest holder). See
-- src/coordination/work-claims.ts. Monthly partitions go with retention_days.
CREATE TABLE IF NOT EXISTS {db}.work_claims {on_cluster}
(
    key String,
    holder String,
    claimed_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMM(claimed_at)
ORDER BY (key, claimed_at, holder);
