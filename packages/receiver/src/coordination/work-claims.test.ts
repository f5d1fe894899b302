import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/clickhouse.js';
import { migrate } from '../clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../clickhouse/store-client.js';
import { workClaimer } from './work-claims.js';

describe('work claims on a real ClickHouse', () => {
  let db: TestDatabase;
  let stores: StoreClient[];

  beforeAll(async () => {
    db = await createTestDatabase('work_claims');
    // One client per receiver, as separate processes would have.
    stores = [0, 1, 2].map(() => createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null }));
    await migrate(stores[0]!, { database: db.name, cluster: null });
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db.drop();
  });

  it('gives a key to exactly one of three receivers claiming at once, and to nobody later', async () => {
    const claimers = stores.map((s, i) => workClaimer(s, { holder: `receiver-${i}`, delayMs: 300 }));
    for (const key of ['alert:budget:acme:2026-11:50:', 'alert:budget:acme:2026-11:80:']) {
      const won = await Promise.all(claimers.map((c) => c.claim(key)));
      expect(won.filter(Boolean), key).toHaveLength(1);
    }
    const late = workClaimer(stores[0]!, { holder: 'receiver-a-late', delayMs: 10 });
    expect(await late.claim('alert:budget:acme:2026-11:50:')).toBe(false);
    expect(await late.claim('alert:budget:acme:2026-11:100:')).toBe(true);
  });
});
