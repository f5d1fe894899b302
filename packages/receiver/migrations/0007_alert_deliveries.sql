-- One row per webhook delivery attempt (alerts_fired holds one row per alert): when a client says
-- "we never got it", this shows every try, its HTTP status or network error, and the backoff.
-- Never holds the signing secret or the signature.
CREATE TABLE IF NOT EXISTS {db}.alert_deliveries {on_cluster}
(
    alert_id String,
    client_id String,
    url String,
    attempt UInt32,
    status UInt16,
    error String,
    attempted_at DateTime('UTC')
)
ENGINE = {engine:MergeTree}
PARTITION BY toYYYYMM(attempted_at)
ORDER BY (client_id, alert_id, attempted_at, attempt);
