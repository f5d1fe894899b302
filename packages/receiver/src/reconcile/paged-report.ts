import { z } from 'zod';
import type { AdminFetch } from './admin-fetch.js';
import { ProviderApiError } from './reconcile-errors.js';

/** Both providers page the same way: `data` buckets, `has_more`, and the cursor in `next_page`. */
const pageSchema = z.object({
  data: z.array(z.unknown()),
  has_more: z.boolean(),
  next_page: z.string().nullable().optional(),
});

/**
 * Every bucket of a paged admin report: follows `next_page` until `has_more` is false. A page that
 * is not the documented shape fails the whole import (nothing half-read is stored).
 */
export async function fetchAllBuckets<B>(
  fetchText: AdminFetch,
  request: { provider: string; url: URL; headers: Record<string, string> },
  bucket: z.ZodType<B>,
  parse: (text: string) => unknown = JSON.parse,
): Promise<B[]> {
  const out: B[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const url = new URL(request.url);
    if (cursor) url.searchParams.set('page', cursor);
    const text = await fetchText({ ...request, url });
    let body: unknown;
    try {
      body = parse(text);
    } catch {
      throw new ProviderApiError(`${request.provider}: ${url.pathname} answered something that is not JSON`);
    }
    const parsed = pageSchema.safeParse(body);
    if (!parsed.success) throw new ProviderApiError(`${request.provider}: ${url.pathname} answered a page without data/has_more`);
    for (const item of parsed.data.data) {
      const b = bucket.safeParse(item);
      if (!b.success) throw new ProviderApiError(`${request.provider}: ${url.pathname}: unexpected bucket: ${b.error.issues[0]?.path.join('.')}: ${b.error.issues[0]?.message}`);
      out.push(b.data);
    }
    if (!parsed.data.has_more) return out;
    cursor = parsed.data.next_page ?? null;
    if (!cursor) throw new ProviderApiError(`${request.provider}: ${url.pathname} said has_more without a next_page cursor`);
  }
  throw new ProviderApiError(`${request.provider}: ${request.url.pathname}: more than 10,000 pages`);
}
