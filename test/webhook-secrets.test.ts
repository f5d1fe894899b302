import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeSlackText } from '../packages/receiver/src/billing/slack-text.js';
import { redactWebhookUrl } from '../packages/receiver/src/billing/webhook-url-redact.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { readMigrations } from '../packages/receiver/src/clickhouse/migration-files.js';
import { createStoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { createTestDatabase } from './support/clickhouse.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace } from './support/trace-json.js';

const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0001/s3cr3tT0k3nXYZ';

describe('webhook URLs are not kept in plain text (real ClickHouse)', () => {
  it('redacts to scheme, host and a fingerprint', () => {
    expect(redactWebhookUrl(SLACK_URL)).toMatch(/^https:\/\/hooks\.slack\.com\/\(redacted sha256:[0-9a-f]{12}\)$/);
    expect(redactWebhookUrl(SLACK_URL)).not.toBe(redactWebhookUrl(`${SLACK_URL}2`));
  });

  it('rewrites rows stored before the redaction migration, exactly as the receiver now writes them', async () => {
    const db = await createTestDatabase('redact_migration');
    const store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    try {
      const all = readMigrations();
      const redaction = all.find((m) => m.name === 'alert_deliveries_redact_url')!;
      await migrate(store, { database: db.name, cluster: null }, all.filter((m) => m.version < redaction.version));
      await db.command(`INSERT INTO ${db.name}.alert_deliveries (alert_id, client_id, url, attempt, status, error, attempted_at) VALUES ('a', 'acme', '${SLACK_URL}', 1, 200, '', now())`);
      await migrate(store, { database: db.name, cluster: null });
      let rows: Array<{ url: string }> = [];
      // 18.16 applies ALTER ... UPDATE as a background mutation.
      for (let i = 0; i < 100; i++) {
        rows = await db.queryRows(`SELECT url FROM ${db.name}.alert_deliveries`);
        if (!rows[0]!.url.includes('s3cr3t')) break;
        await new Promise((done) => setTimeout(done, 100));
      }
      expect(rows).toEqual([{ url: redactWebhookUrl(SLACK_URL) }]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('alert texts escape untrusted values for Slack (real ClickHouse)', () => {
  let r: TestReceiver;
  let server: Server;
  const bodies: Array<{ path: string; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const hooks = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    r = await startTestReceiver('slack_escape', { yaml: `clients:\n  - id: acme\n    webhook_url: ${hooks}/services/T1/B1/secretpath\n    webhook_format: slack\n` });
  });
  afterAll(async () => {
    await r.stop();
    server.close();
  });

  it('posts a hostile model name as text, not as a link or a mention, and stores no webhook path', async () => {
    const model = '<https://evil.example|Reprice now> <!channel> & co';
    await postTrace(r.url, [
      {
        traceId: '7bf92f3577b34da6a3ce929d0e0e4736', spanId: 'f000000000000001', name: 'chat', kind: 3, scope: 'test', start: new Date(Date.now() - 60_000),
        attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 5, 'tokenledger.client.id': 'acme' },
      },
    ]);
    for (let i = 0; i < 100 && bodies.length === 0; i++) await new Promise((done) => setTimeout(done, 50));
    expect(bodies).toHaveLength(1);
    const text = (JSON.parse(bodies[0]!.body) as { text: string }).text;
    expect(text).toContain(`openai/${escapeSlackText(model)}`);
    expect(text).toContain('&lt;https://evil.example|Reprice now&gt; &lt;!channel&gt; &amp; co');
    expect(text).not.toMatch(/[<>]/);
    let urls: Array<{ url: string }> = [];
    for (let i = 0; i < 100 && urls.length === 0; i++) {
      urls = await r.db.queryRows(`SELECT url FROM ${r.db.name}.alert_deliveries`);
      if (!urls.length) await new Promise((done) => setTimeout(done, 50));
    }
    expect(urls).toEqual([{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1\/\(redacted sha256:[0-9a-f]{12}\)$/) }]);
  });
});
