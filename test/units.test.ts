// Business units end to end (docs/billing.md "Units"): withAttribution({ unit }) in an app using the
// real OpenTelemetry SDK and OTLP protobuf exporter -> the receiver -> llm_calls -> readUnitUsage.
// Every call is gpt-4o at 500 in / 200 out unless said: 500 x 2,500 + 200 x 10,000 = 3,250,000
// nano-USD (catalog: $2.50 / $10 per 1M tokens). The figures below are counted by hand from the
// calls emitted in beforeAll.
import { context, propagation, trace, type Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { register, withAttribution, type Attribution, type TokenLedgerShutdown } from '@tokenledger/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUnitUsage } from '../packages/receiver/src/reports/unit-usage.js';
import { insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import { sampleRow } from './support/sample-call-row.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

const CALL = 3_250_000n;

/** Exports every batch twice, as an exporter retry after a lost answer does: the same span ids again. */
class ResendingExporter implements SpanExporter {
  resend = false;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const again = this.resend;
    this.inner.export(spans, (first) => (again ? this.inner.export(spans, done) : done(first)));
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

let r: TestReceiver;
let app: TokenLedgerShutdown;
let exporter: ResendingExporter;

const chat = (input = 500): Attributes => ({
  'gen_ai.provider.name': 'openai',
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': 200,
});

// Three months that end with this one (spans must be recent: limits.max_span_age_days): "October",
// "November" and "December" below name them by the role they play, not by the calendar.
const now = new Date();
const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
const OCTOBER = { from: month(2), to: month(1) };
const NOVEMBER = { from: month(1), to: month(0) };
const at = (start: Date, days: number, hours = 0, minutes = 0, seconds = 0) => new Date(start.getTime() + (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000);
const rowTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

/** One model call made by the app under `attribution`, started at `start`. */
function call(attribution: Attribution, start: Date, input?: number): void {
  withAttribution(attribution, () => {
    trace.getTracer('units-app').startSpan('chat gpt-4o', { attributes: chat(input), startTime: start }).end(new Date(start.getTime() + 900));
  });
}

const article = (id: string) => ({ client: 'globex', unit: { kind: 'article', id } });
const conversation = (id: string) => ({ client: 'globex', unit: { kind: 'conversation', id } });

beforeAll(async () => {
  r = await startTestReceiver('units');
  exporter = new ResendingExporter(new OTLPTraceExporter({ url: `${r.url}/v1/traces` }));
  app = register({ exporter, batch: false, serviceName: 'newsroom' });
  // October: article a-1 starts on the last evening, conversation c-1; acme works on its own a-2.
  call(article('a-1'), at(NOVEMBER.from, 0, -1));
  call(conversation('c-1'), at(OCTOBER.from, 14, 10));
  call({ client: 'acme', unit: { kind: 'article', id: 'a-2' } }, at(OCTOBER.from, 2, 9));
  // November: a-1 goes on past midnight (a unit of October), a-2 takes three calls, one of 1,000
  // input tokens (2,500,000 + 2,000,000 = 4,500,000); a-3 one call; two calls carry no unit.
  call(article('a-1'), NOVEMBER.from);
  exporter.resend = true; // every a-2 call reaches the receiver twice
  call(article('a-2'), at(NOVEMBER.from, 4, 8));
  call(article('a-2'), at(NOVEMBER.from, 4, 8, 5));
  call(article('a-2'), at(NOVEMBER.from, 4, 8, 10), 1_000);
  exporter.resend = false;
  call(article('a-3'), at(NOVEMBER.from, 5, 12));
  call({ client: 'globex' }, at(NOVEMBER.from, 6, 12));
  call({ client: 'globex', feature: 'chat' }, at(NOVEMBER.from, 7, 12));
  call(conversation('c-2'), at(NOVEMBER.to, 0, 0, 0, -1));
  // December (this month): a-4 is after the November period.
  call(article('a-4'), NOVEMBER.to);
  await app.forceFlush();
  const store = r.server.receiver.store;
  // A span settle marked as repeating another's usage (a framework span over the provider span):
  // never billed, so its unit a-9 is not counted either.
  await insertCalls(store, [
    sampleRow({ client_id: 'globex', timestamp: rowTime(at(NOVEMBER.from, 8, 10)), span_id: 'dddddddddddddddd', unit_kind: 'article', unit_id: 'a-9', duplicate_of: 'b7ad6b7169203331' }),
  ]);
  // A re-send that raced past the already-stored check (two receivers, one span): two rows with one
  // key until ClickHouse merges them; FINAL reads one, so a-5 is one call.
  const raced = sampleRow({ client_id: 'globex', timestamp: rowTime(at(NOVEMBER.from, 9, 10)), span_id: 'cccccccccccccccc', unit_kind: 'article', unit_id: 'a-5' });
  await insertCalls(store, [raced]);
  await insertCalls(store, [raced]);
});

afterAll(async () => {
  await app();
  trace.disable();
  context.disable();
  propagation.disable();
  await r.stop();
});


describe('units stored per call', () => {
  it('the SDK unit reaches llm_calls as unit_kind / unit_id, once per span however often it was sent', async () => {
    const rows = await r.db.queryRows<{ unit_kind: string; unit_id: string; n: string }>(
      `SELECT unit_kind, unit_id, toString(count()) AS n FROM ${r.db.name}.llm_calls WHERE client_id = 'globex' AND app = 'newsroom' GROUP BY unit_kind, unit_id ORDER BY unit_kind, unit_id`,
    );
    expect(rows).toEqual([
      { unit_kind: '', unit_id: '', n: '2' },
      { unit_kind: 'article', unit_id: 'a-1', n: '2' },
      { unit_kind: 'article', unit_id: 'a-2', n: '3' },
      { unit_kind: 'article', unit_id: 'a-3', n: '1' },
      { unit_kind: 'article', unit_id: 'a-4', n: '1' },
      { unit_kind: 'conversation', unit_id: 'c-1', n: '1' },
      { unit_kind: 'conversation', unit_id: 'c-2', n: '1' },
    ]);
    // The three a-2 spans did arrive twice: the receiver counted the second copies as duplicates.
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/^tokenledger_spans_total\{outcome="duplicate"\} 3$/m);
  });
});

describe('GET /api/v1/export', () => {
  it('has a unit_kind and a unit_id column for every call', async () => {
    const res = await fetch(`${r.url}/api/v1/export?client=globex&from=${NOVEMBER.from.toISOString()}&to=${NOVEMBER.to.toISOString()}`);
    const [header, ...lines] = (await res.text()).trimEnd().split('\n').map((line) => line.split(','));
    const cell = (line: string[], name: string) => line[header!.indexOf(name)];
    const units = lines.map((line) => `${cell(line, 'unit_kind')}/${cell(line, 'unit_id')}`).sort();
    expect(units).toEqual(['/', '/', 'article/a-1', 'article/a-2', 'article/a-2', 'article/a-2', 'article/a-3', 'article/a-5', 'conversation/c-2']);
  });
});

describe('readUnitUsage', () => {
  it('November: a unit counts in the month of its first call; calls and cost are the month\'s own', async () => {
    expect(await readUnitUsage(r.server.receiver.store, { clientId: 'globex', ...NOVEMBER })).toEqual([
      { unitKind: '', units: 0, calls: 2, costNanos: 2n * CALL },
      // a-1 (first call in October), a-2 x3, a-3, a-5 (once): 5 x 3,250,000 + 4,500,000; units a-2, a-3, a-5
      { unitKind: 'article', units: 3, calls: 6, costNanos: 5n * CALL + 4_500_000n },
      { unitKind: 'conversation', units: 1, calls: 1, costNanos: CALL },
    ]);
  });

  it('October: a-1 is counted there, once, though it ran on into November; acme\'s a-2 is not globex\'s', async () => {
    expect(await readUnitUsage(r.server.receiver.store, { clientId: 'globex', ...OCTOBER })).toEqual([
      { unitKind: 'article', units: 1, calls: 1, costNanos: CALL },
      { unitKind: 'conversation', units: 1, calls: 1, costNanos: CALL },
    ]);
    expect(await readUnitUsage(r.server.receiver.store, { clientId: 'acme', ...OCTOBER })).toEqual([{ unitKind: 'article', units: 1, calls: 1, costNanos: CALL }]);
  });

  it('the period bounds are [from, to): the call at the first second of December is December\'s', async () => {
    const december = await readUnitUsage(r.server.receiver.store, { clientId: 'globex', from: NOVEMBER.to, to: at(NOVEMBER.to, 40) });
    expect(december).toEqual([{ unitKind: 'article', units: 1, calls: 1, costNanos: CALL }]);
  });

  it('a client with no calls in the period gets no entries', async () => {
    expect(await readUnitUsage(r.server.receiver.store, { clientId: 'initech', ...NOVEMBER })).toEqual([]);
  });
});

describe('a unit value over the limit', () => {
  it('is rejected through partial success naming limits.max_unit_length; its neighbour is stored', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = (spanId: string, unitId: string) => ({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId,
      name: 'chat gpt-4o',
      kind: 3,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 1_000_000_000n),
      attributes: Object.entries({ ...chat(), 'tokenledger.client.id': 'limits', 'tokenledger.unit.kind': 'ticket', 'tokenledger.unit.id': unitId }).map(([key, v]) =>
        typeof v === 'number' ? { key, value: { intValue: String(v) } } : { key, value: { stringValue: String(v) } },
      ),
    });
    const body = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'hand-written' }, spans: [span('eeeeeeeeeeeeeee1', 't'.repeat(257)), span('eeeeeeeeeeeeeee2', 't'.repeat(256))] }] }] };
    const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    expect(answer.partialSuccess?.errorMessage).toContain('span eeeeeeeeeeeeeee1: tokenledger.unit.id of 257 characters is over limits.max_unit_length (256)');
    const stored = await r.db.queryRows<{ span_id: string; len: string }>(`SELECT span_id, toString(length(unit_id)) AS len FROM ${r.db.name}.llm_calls WHERE client_id = 'limits'`);
    expect(stored).toEqual([{ span_id: 'eeeeeeeeeeeeeee2', len: '256' }]);
  });
});
