import { setTimeout as sleep } from 'node:timers/promises';
import { AdminKeyError, ProviderApiError } from './reconcile-errors.js';

/** How an admin API client retries and paces itself. */
export interface FetchPolicy {
  /** Attempts per request, the first included. */
  attempts: number;
  /** First backoff delay; doubles each retry, capped at maxDelayMs. */
  baseMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  /** At most this many requests per second (the bounded rate, also between pages). */
  requestsPerSecond: number;
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = { attempts: 6, baseMs: 1_000, maxDelayMs: 60_000, timeoutMs: 30_000, requestsPerSecond: 2 };

export interface AdminRequest {
  /** Names the source in errors: "openai", "anthropic". */
  provider: string;
  url: URL;
  headers: Record<string, string>;
}

// 429 (rate limited) and 5xx (the provider's trouble, Anthropic's 529 overloaded included) pass;
// any other 4xx will not change on retry.
const retryable = (status: number) => status === 429 || status >= 500;

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * GETs admin API pages for one source: spaced to the request rate, retried with exponential
 * backoff on 429 and 5xx and on network errors, waiting at least what Retry-After asks. 401/403
 * is an AdminKeyError at once (a wrong key does not get better).
 */
export function createAdminFetch(policy: FetchPolicy = DEFAULT_FETCH_POLICY) {
  const spacingMs = 1000 / policy.requestsPerSecond;
  let nextSlot = 0;
  const paced = async () => {
    const wait = nextSlot - Date.now();
    nextSlot = Math.max(Date.now(), nextSlot) + spacingMs;
    if (wait > 0) await sleep(wait);
  };
  return async function getText(req: AdminRequest): Promise<string> {
    let last = '';
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      await paced();
      let res: Response;
      try {
        res = await fetch(req.url, { headers: req.headers, signal: AbortSignal.timeout(policy.timeoutMs) });
      } catch (err) {
        last = (err as Error).message;
        if (attempt < policy.attempts) await sleep(Math.min(policy.baseMs * 2 ** (attempt - 1), policy.maxDelayMs));
        continue;
      }
      if (res.ok) return res.text();
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) throw new AdminKeyError(`${req.provider}: the admin API refused the admin key (HTTP ${res.status})`);
      last = `HTTP ${res.status}`;
      if (!retryable(res.status)) break;
      if (attempt < policy.attempts) {
        const backoff = Math.min(policy.baseMs * 2 ** (attempt - 1), policy.maxDelayMs);
        await sleep(Math.max(backoff, Math.min(retryAfterMs(res.headers.get('retry-after')) ?? 0, policy.maxDelayMs)));
      }
    }
    throw new ProviderApiError(`${req.provider}: ${req.url.pathname} failed: ${last}`);
  };
}

export type AdminFetch = ReturnType<typeof createAdminFetch>;
