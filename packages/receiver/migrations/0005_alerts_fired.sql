-- What the alerting has claimed and delivered, so an alert fires once per (client, period, kind,
-- threshold, subject) across restarts. Claim-then-send: a `pending` row (version 1) is written
-- before the webhook is called, then `sent` (3) or `failed` (2) after it; ReplacingMergeTree keeps
-- the highest version, so read with FINAL. A `pending` or `failed` row left by a crash is sent
-- again at the next start (at-least-once; receivers dedupe on alert_id). docs/billing.md "Alerts".
-- kind: budget (threshold = percent of the monthly budget), spike (subject = the day),
-- unpriced (subject = provider/model).
CREATE TABLE IF NOT EXISTS {db}.alerts_fired {on_cluster}
(
    client_id String,
    period String,
    kind String,
    threshold UInt16,
    subject String,
    alert_id String,
    state String,
    version UInt8,
    spent_nanos Int64,
    budget_nanos Int64,
    message String,
    payload String,
    attempts UInt32,
    last_error String,
    created_at DateTime('UTC'),
    updated_at DateTime('UTC')
)
ENGINE = {engine:ReplacingMergeTree(version)}
ORDER BY (client_id, period, kind, threshold, subject);
