-- Pipeline health per minute: what the receiver did with the spans it was sent. One row per
-- flush and outcome; SummingMergeTree folds them. Outcomes: received, billed, ignored,
-- unmetered, unpriced, rejected, duplicate.
CREATE TABLE IF NOT EXISTS {db}.ingest_stats {on_cluster}
(
    minute DateTime('UTC'),
    outcome String,
    spans Int64,
    -- Sum of (received_at - span end) in ms over these spans: average ingest lag = lag_ms_sum / spans.
    lag_ms_sum Int64
)
ENGINE = {engine:SummingMergeTree}
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, outcome);
