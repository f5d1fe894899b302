import type { StoreClient } from '../clickhouse/store-client.js';
import type { SpanLinkRow } from '../rows/span-link-row.js';

export type { SpanLinkRow } from '../rows/span-link-row.js';

/** The span_links table (migration 0008); its rows ride the batch writer beside call rows. */
export const SPAN_LINKS = 'span_links';

export async function insertLinks(client: StoreClient, rows: readonly SpanLinkRow[]): Promise<void> {
  if (rows.length > 0) await client.insertRows(`${client.database}.${SPAN_LINKS}`, rows);
}
