import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { postTrace } from './support/trace-json.js';

const HOSTILE = {
  model: '=HYPERLINK("http://evil.example","open")',
  project: '@SUM(1+1)',
  feature: "-2+3+cmd|' /C calc'!A0",
  tag: '+1+1',
};

describe('CSV exports open as text in a spreadsheet (real ClickHouse)', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('csv_injection', { yaml: 'clients:\n  - id: acme\n' });
    const start = new Date(Date.now() - 60_000);
    await postTrace(r.url, [
      {
        traceId: '5bf92f3577b34da6a3ce929d0e0e4736',
        spanId: 'd000000000000001',
        name: 'chat',
        kind: 3,
        scope: 'test',
        start,
        attributes: {
          'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': HOSTILE.model,
          'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 200, 'tokenledger.client.id': 'acme',
          'tokenledger.project': HOSTILE.project, 'tokenledger.feature': HOSTILE.feature, 'tokenledger.tag.note': HOSTILE.tag,
        },
      },
    ]);
  });
  afterAll(() => r.stop());

  it('prefixes formula cells in the per-call export', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const res = await fetch(`${r.url}/api/v1/export?from=${month}-01&to=2100-01-01&client=acme`);
    expect(res.status).toBe(200);
    const [header, row] = (await res.text()).trim().split('\n');
    expect(header).toContain('tag.note');
    expect(row).toContain(`,"'=HYPERLINK(""http://evil.example"",""open"")",`);
    expect(row).toContain(`,'@SUM(1+1),'-2+3+cmd|' /C calc'!A0,`);
    expect(row!.endsWith(",'+1+1")).toBe(true);
  });

  it('prefixes formula cells in the invoice CSV', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const res = await fetch(`${r.url}/api/v1/invoices/acme?period=${month}&format=csv`);
    const unpriced = (await res.text()).split('\r\n').find((l) => l.includes(',unpriced,'));
    expect(unpriced).toBe(`acme,${month},unpriced,"openai =HYPERLINK(""http://evil.example"",""open"") (no price; not billed)",openai,"'=HYPERLINK(""http://evil.example"",""open"")",1,500,0,0,200,0,,,`);
  });
});
