import { setTimeout as sleep } from 'node:timers/promises';
import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  format: 'slack' | 'json';
  /** HMAC key; never logged or stored. Without one the request goes unsigned. */
  secret: string | null;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time (exponential backoff), capped at 5 minutes. */
  baseMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 1_000, timeoutMs: 10_000 };
const MAX_DELAY_MS = 300_000;

/** `sha256=<hex>` of HMAC-SHA256 over the raw body bytes (the GitHub webhook convention). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** Status or network error of the last attempt; never contains the secret. */
  lastError: string;
}

// Worth another try: the receiver was down, slow or asked us to back off. Any other 4xx will not
// change on retry (bad URL, bad signature), so it fails at once.
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;


export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.baseMs * 2 ** (attempt - 1), MAX_DELAY_MS);
}

/** One try: its number, the HTTP status (0 for a network error) and the error text. */
export type AttemptListener = (attempt: { attempt: number; status: number; error: string }) => void;

export async function deliverWebhook(target: WebhookTarget, body: string, alertId: string, policy: RetryPolicy, onAttempt: AttemptListener = () => undefined): Promise<DeliveryResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tokenledger-alerts', 'x-tokenledger-alert-id': alertId };
  if (target.secret) headers['x-tokenledger-signature'] = signature(target.secret, body);
  let lastError = '';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) await sleep(backoffMs(policy, attempt - 1));
    try {
      const res = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(policy.timeoutMs) });
      await res.body?.cancel();
      lastError = res.ok ? '' : `HTTP ${res.status}`;
      onAttempt({ attempt, status: res.status, error: lastError });
      if (res.ok) return { ok: true, attempts: attempt, lastError };
      if (!retryable(res.status)) return { ok: false, attempts: attempt, lastError };
    } catch (err) {
      lastError = (err as Error).message.slice(0, 200);
      onAttempt({ attempt, status: 0, error: lastError });
    }
  }
  return { ok: false, attempts: policy.attempts, lastError };
}
