import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingPlugin, ClientDirectory, syncClients } from '../packages/receiver/src/billing/index.js';
import { main } from '../packages/receiver/src/cli/main.js';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { loadConfig, parseFileConfig } from '../packages/receiver/src/config/load-config.js';
import { createReceiver, type Receiver } from '../packages/receiver/src/server/receiver.js';
import { insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { sampleRow } from './support/sample-call-row.js';

const YAML = `clients:
  - id: acme
    name: Acme Corp
    markup_pct: 25
  - id: globex
    name: Globex
    markup_pct: 10
  - id: edge
`;

/** n gpt-4o calls of 500 in / 200 out (3,250,000 nano-USD each) for `client`, one a second from `start`. */
async function seed(db: TestDatabase, client: string, n: number, start: string, prefix: string): Promise<void> {
  await db.command(`INSERT INTO ${db.name}.llm_calls (timestamp, trace_id, span_id, client_id, provider, operation, request_model, response_model, price_key,
  input_tokens, output_tokens, input_cost_nanos, output_cost_nanos, cost_nanos, priced, metered, status, received_at)
SELECT toDateTime('${start}', 'UTC') + number, concat('${prefix}', toString(number)), '00f067aa0ba902b7', '${client}', 'openai', 'chat', 'gpt-4o', 'gpt-4o-2024-08-06',
  'openai/gpt-4o@2024-05-13', 500, 200, 1250000, 2000000, 3250000, 1, 1, 'ok', now()
FROM numbers(${n})`);
}

interface InvoiceBody {
  lines: Array<Record<string, string | number>>;
  unpriced: Array<Record<string, string | number>>;
  unmetered: Array<Record<string, string | number>>;
  [key: string]: unknown;
}

describe('invoices on the real ClickHouse', () => {
  let db: TestDatabase;
  let receiver: Receiver;
  let configPath: string;
  const env = () => ({ CLICKHOUSE_URL: db.url, CLICKHOUSE_DATABASE: db.name });
  const get = async (path: string) => receiver.app.request(`/api/v1${path}`);
  const invoice = async (client: string, period: string) => {
    const res = await get(`/invoices/${client}?period=${period}`);
    expect(res.status).toBe(200);
    return (await res.json()) as InvoiceBody;
  };

  beforeAll(async () => {
    db = await createTestDatabase('billing_invoice');
    const dir = mkdtempSync(join(tmpdir(), 'tl-billing-'));
    configPath = join(dir, 'tokenledger.yaml');
    writeFileSync(configPath, YAML);
    const config = await loadConfig({ env: env() });
    config.file = parseFileConfig(YAML, 'test.yaml');
    receiver = createReceiver(config, { plugins: [billingPlugin], now: () => new Date('2026-11-20T12:00:00Z') });
    await migrate(receiver.store, { database: db.name, cluster: null });
    await seed(db, 'acme', 10_000, '2026-11-02 00:00:00', 'nov');
    await seed(db, 'acme', 5_000, '2026-10-05 00:00:00', 'oct');
    await seed(db, 'globex', 10_000, '2026-11-03 00:00:00', 'gx');
    await seed(db, 'newco', 2, '2026-11-04 00:00:00', 'new');
    // The same spans again (an exporter retry that slipped past the receiver's check): billed once.
    await seed(db, 'globex', 10_000, '2026-11-03 00:00:00', 'gx');
    await insertCalls(receiver.store, [
      sampleRow({ client_id: 'acme', span_id: 'a000000000000001', request_model: 'acme-ft', response_model: '', price_key: '', priced: 0, cost_nanos: '0', input_cost_nanos: '0', output_cost_nanos: '0' }),
      sampleRow({ client_id: 'acme', span_id: 'a000000000000002', metered: 0, input_tokens: 0, output_tokens: 0, cost_nanos: '0', input_cost_nanos: '0', output_cost_nanos: '0' }),
      // Period edges: the last second of October and the first of November.
      sampleRow({ client_id: 'edge', span_id: 'e000000000000001', timestamp: '2026-10-31 23:59:59', cost_nanos: '1000000000' }),
      sampleRow({ client_id: 'edge', span_id: 'e000000000000002', timestamp: '2026-11-01 00:00:00', cost_nanos: '2000000000' }),
    ]);
    for (const p of receiver.plugins) await p.start?.();
  });
  afterAll(async () => {
    await receiver.close();
    await db.drop();
  });

  it('bills the seed example exactly: 10,000 gpt-4o calls = 32.50, 25% markup 8.13, total 40.63', async () => {
    const inv = await invoice('acme', '2026-11');
    expect(inv).toMatchObject({
      client: 'acme', client_name: 'Acme Corp', period: '2026-11', base_cost_usd: '32.50', markup_pct: 25, markup_usd: '8.13', total_usd: '40.63',
      previous_period: '2026-10', previous_period_total_usd: '20.31', change_pct: '100.05',
    });
    expect(inv.lines).toEqual([
      { provider: 'openai', model: 'gpt-4o-2024-08-06', calls: 10_000, input_tokens: 5_000_000, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 2_000_000, reasoning_tokens: 0, cost_usd: '32.50', exact_cost_usd: '32.500000000', amount: '32.50' },
    ]);
    expect(inv.unpriced).toEqual([{ provider: 'openai', model: 'acme-ft', calls: 1, input_tokens: 500, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 200, reasoning_tokens: 0 }]);
    expect(inv.unmetered).toEqual([{ provider: 'openai', model: 'gpt-4o-2024-08-06', calls: 1 }]);
  });

  it("applies each client's own markup and bills re-sent rows once", async () => {
    const inv = await invoice('globex', '2026-11');
    expect([inv.lines[0]!.calls, inv.base_cost_usd, inv.markup_usd, inv.total_usd]).toEqual([10_000, '32.50', '3.25', '35.75']);
  });

  it('puts 23:59:59 on the last day in that month and 00:00:00 on the first in the next', async () => {
    expect((await invoice('edge', '2026-10')).total_usd).toBe('1.00');
    expect((await invoice('edge', '2026-11')).total_usd).toBe('2.00');
  });

  it('bills a client seen only in traffic at no markup, and lists it with in_config = 0', async () => {
    const inv = await invoice('newco', '2026-11');
    expect([inv.base_cost_usd, inv.markup_pct, inv.markup_usd, inv.total_usd]).toEqual(['0.01', 0, '0.00', '0.01']);
    const rows = await db.queryRows(`SELECT id, name, markup_bp, in_config FROM ${db.name}.clients FINAL ORDER BY id`);
    expect(rows).toEqual([
      { id: 'acme', name: 'Acme Corp', markup_bp: 2500, in_config: 1 },
      { id: 'edge', name: 'edge', markup_bp: 0, in_config: 1 },
      { id: 'globex', name: 'Globex', markup_bp: 1000, in_config: 1 },
      { id: 'newco', name: 'newco', markup_bp: 0, in_config: 0 },
    ]);
  });

  it('answers CSV and a PDF that renders', async () => {
    const csv = await get('/invoices/acme?period=2026-11&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\r\n').filter((l) => l.includes(',total,'))).toEqual(['acme,2026-11,total,Total,,,,,,,,,40.63,USD,40.63']);
    const pdf = await get('/invoices/acme?period=2026-11&format=pdf');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(mkdtempSync(join(tmpdir(), 'tl-pdf-')), 'acme.pdf');
    writeFileSync(file, bytes);
    // poppler reads it back: one page, and the total is on it.
    expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Pages:\s+1\b/);
    expect(execFileSync('pdftotext', ['-layout', file, '-']).toString()).toMatch(/Total due \(USD\)\s+40\.63/);
  });

  it('refuses a bad period or format with 400', async () => {
    expect((await get('/invoices/acme?period=2026-13')).status).toBe(400);
    expect((await get('/invoices/acme?period=2026-11&format=xml')).status).toBe(400);
  });

  it('prints the same invoice from the CLI, and lists clients', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => void (out += t) }, stderr: { write: (t: string) => void (out += t) }, env: env(), cwd: tmpdir() };
    expect(await main(['invoice', 'acme', '--period', '2026-11', '--format', 'json', '--config', configPath], io)).toBe(0);
    expect(JSON.parse(out)).toEqual(await invoice('acme', '2026-11'));
    out = '';
    expect(await main(['invoice', 'acme', '--period', '2026-11', '--config', configPath], io)).toBe(0);
    expect(out).toMatch(/openai\s+gpt-4o-2024-08-06\s+10000\s+5000000\s+0\s+0\s+2000000\s+0\s+32\.50/);
    expect(out).toMatch(/total\s+40\.63/);
    const pdfPath = join(mkdtempSync(join(tmpdir(), 'tl-cli-')), 'inv.pdf');
    out = '';
    expect(await main(['invoice', 'acme', '--period', '2026-11', '--format', 'pdf', '--out', pdfPath, '--config', configPath], io)).toBe(0);
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    out = '';
    expect(await main(['clients', '--json', '--config', configPath], io)).toBe(0);
    expect((JSON.parse(out) as { clients: Array<{ id: string; in_config: boolean; markup_pct: string }> }).clients.map((c) => [c.id, c.markup_pct, c.in_config])).toEqual([
      ['acme', '25.00', true], ['edge', '0.00', true], ['globex', '10.00', true], ['newco', '0.00', false],
    ]);
    out = '';
    expect(await main(['invoice', 'acme', '--period', 'november', '--config', configPath], io)).toBe(2);
    expect(out).toBe('tokenledger invoice: --period: expected YYYY-MM, got "november"\n');
  });

  it('keeps a client removed from the config, as in_config = 0', async () => {
    const config = await loadConfig({ env: env() });
    config.file = parseFileConfig('clients:\n  - id: acme\n    markup_pct: 25\n  - id: globex\n    markup_pct: 10\n', 'test.yaml');
    expect(await syncClients(receiver.store, new ClientDirectory(config), new Date('2026-11-20T13:00:00Z'))).toEqual(['edge', 'newco']);
    const rows = await db.queryRows(`SELECT id, in_config FROM ${db.name}.clients FINAL ORDER BY id`);
    expect(rows).toEqual([{ id: 'acme', in_config: 1 }, { id: 'edge', in_config: 0 }, { id: 'globex', in_config: 1 }, { id: 'newco', in_config: 0 }]);
  });
});
