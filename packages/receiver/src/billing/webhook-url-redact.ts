import { createHash } from 'node:crypto';

/**
 * A webhook URL as tables may hold it. Slack incoming-webhook URLs (and most others) carry their
 * credential in the path, and `alert_deliveries` is read by SQL and Grafana users, so only the
 * scheme, the host and a fingerprint are kept: enough to tell two targets apart, never to post.
 * Migration 0011 rewrites older rows with the same expression in SQL, so the two must agree.
 */
export function redactWebhookUrl(url: string): string {
  const fingerprint = createHash('sha256').update(url, 'utf8').digest('hex').slice(0, 12);
  let origin = '';
  try {
    const parsed = new URL(url);
    origin = `${parsed.protocol.replace(/:$/, '')}://${parsed.hostname}`;
  } catch {
    origin = '(unparsable)';
  }
  return `${origin}/(redacted sha256:${fingerprint})`;
}
