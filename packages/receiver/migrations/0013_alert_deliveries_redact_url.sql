-- Webhook URLs are credentials (a Slack incoming-webhook URL is all it takes to post to a
-- channel), and alert_deliveries is read by SQL and Grafana users: rows written before the
-- receiver stored only the redacted form (billing/webhook-url-redact.ts) are rewritten the same
-- way: scheme, host and the first 12 hex digits of the URL's SHA-256. Idempotent.
ALTER TABLE {db}.alert_deliveries {on_cluster}
UPDATE url = concat(protocol(url), '://', domain(url), '/(redacted sha256:', substring(lower(hex(SHA256(url))), 1, 12), ')')
WHERE position(url, '/(redacted sha256:') = 0;
