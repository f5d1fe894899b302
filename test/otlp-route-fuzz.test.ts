import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cap } from '../packages/receiver/src/normalize/attribute-values.js';
import { wideSpansRequest } from './support/hostile-otlp.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { prng } from './support/seeded-random.js';

const REQUESTS = 160;
const random = prng(13);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const hex = (bytes: number) => Array.from({ length: bytes * 2 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');

const HOSTILE_TEXT = [
  "'; DROP TABLE llm_calls; --", 'a\\', 'tab\there', 'line\nbreak', 'cr\rlf', 'nul\u0000byte', '\u202eevil', '😀'.repeat(300), '=HYPERLINK("x")',
  '<!channel>', 'x'.repeat(16 * 1024), 'x'.repeat(16 * 1024 + 1), '\\N', '', ' ', '\ud800', 'ü'.repeat(9000),
];
/** Well-formed OTLP/JSON values with hostile content: each span decodes, its limits decide. */
const HOSTILE_VALUES: object[] = [
  ...HOSTILE_TEXT.map((s) => ({ stringValue: s })),
  { intValue: '9223372036854775807' }, { intValue: '-9223372036854775808' }, { doubleValue: 1e308 }, { doubleValue: -0 }, { doubleValue: 'NaN' }, { doubleValue: 'Infinity' },
  { boolValue: true }, { bytesValue: 'AAEC/w==' }, { arrayValue: { values: Array.from({ length: 2000 }, (_, i) => ({ intValue: String(i) })) } },
  { kvlistValue: { values: [{ key: 'k', value: { kvlistValue: { values: [{ key: 'j', value: { stringValue: 'deep' } }] } } }] } }, {},
];
/** Values the JSON decoder cannot read: the whole request is a 400 (OTLP "bad data"). */
const MALFORMED_VALUES: object[] = [
  { intValue: '99999999999999999999999' }, { intValue: 'abc' }, { boolValue: 'yes' }, { bytesValue: '!!notbase64' },
  JSON.parse('{"arrayValue":{"values":['.repeat(40) + '{}' + ']}}'.repeat(40)) as object,
];
const TOKENS: object[] = [
  ...['500', '0', '-1', '1000000000000000', '9007199254740993', '9223372036854775807'].map((v) => ({ intValue: v })),
  ...['123', '1e3', 'many', '99999999999999999999'].map((v) => ({ stringValue: v })), { doubleValue: 1.5 }, { doubleValue: 1e300 },
];
const TIMES = [String(BigInt(Date.now()) * 1_000_000n), '0', '1', '18446744073709551615', String(BigInt(Date.UTC(2200, 0, 1)) * 1_000_000n)];

const kv = (key: string, value: object) => ({ key, value });

/** A valid GenAI call whose client id is hostile text: it must be stored exactly (clipped to 512). */
function canary(n: number, client: string) {
  return {
    traceId: hex(16), spanId: `c0${n.toString(16).padStart(14, '0')}`, name: 'chat', kind: 3,
    startTimeUnixNano: String(BigInt(Date.now() - 60_000) * 1_000_000n), endTimeUnixNano: String(BigInt(Date.now() - 59_000) * 1_000_000n),
    attributes: [kv('gen_ai.provider.name', { stringValue: 'openai' }), kv('gen_ai.operation.name', { stringValue: 'chat' }), kv('gen_ai.request.model', { stringValue: 'gpt-4o' }),
      kv('gen_ai.usage.input_tokens', { intValue: '500' }), kv('gen_ai.usage.output_tokens', { intValue: '200' }), kv('tokenledger.client.id', { stringValue: client })],
  };
}

function hostileSpan() {
  const attributes = Array.from({ length: Math.floor(random() * 12) }, () => kv(pick(['tokenledger.client.id', 'tokenledger.tag.x', 'gen_ai.request.model', 'gen_ai.response.model', pick(HOSTILE_TEXT).slice(0, 300)]), pick(HOSTILE_VALUES)));
  attributes.push(kv('gen_ai.provider.name', { stringValue: pick(['openai', 'anthropic', pick(HOSTILE_TEXT)]) }), kv('gen_ai.operation.name', { stringValue: 'chat' }));
  attributes.push(kv(pick(['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'llm.token_count.prompt']), pick(TOKENS)));
  return {
    traceId: pick([hex(16), hex(8), '']), spanId: pick([hex(8), hex(4), '0000000000000000']), parentSpanId: pick(['', hex(8), hex(3)]),
    name: pick(HOSTILE_TEXT).slice(0, 100), kind: pick([1, 3, 99]), startTimeUnixNano: pick(TIMES), endTimeUnixNano: pick(TIMES), attributes,
  };
}

function jsonRequest(n: number, client: string, malformed: boolean): string {
  const spans = [canary(n, client), ...Array.from({ length: 1 + Math.floor(random() * 20) }, hostileSpan)];
  if (malformed) spans[spans.length - 1]!.attributes.push(kv('bad', pick(MALFORMED_VALUES)));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [kv('service.name', { stringValue: pick(HOSTILE_TEXT.filter((t) => Buffer.byteLength(t) <= 16 * 1024)) })] }, scopeSpans: [{ scope: { name: pick(HOSTILE_TEXT).slice(0, 50) }, spans }] }] });
}

/** Bytes of a real protobuf request, cut or with bytes flipped: undecodable data must be a 400. */
function brokenProtobuf(valid: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(valid.subarray(0, Math.floor(random() * valid.length)));
  for (let i = 0; i < 8 && bytes.length; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  return bytes;
}

const heapAfterGc = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
})();

describe(`the OTLP route under ${REQUESTS} seeded hostile requests (real ClickHouse)`, () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('otlp_fuzz');
  });
  afterAll(() => r.stop());

  it('never answers 500 or drops the connection, stores every canary exactly, and holds no memory after', async () => {
    const wide = wideSpansRequest(40);
    const statuses = new Map<number, number>();
    const canaries = new Map<string, string>();
    const heapBefore = heapAfterGc();
    for (let n = 0; n < REQUESTS; n++) {
      const kind = n % 4;
      const client = `${pick(HOSTILE_TEXT)}-${n}`;
      let body: Uint8Array | string;
      const headers: Record<string, string> = { 'content-type': kind === 2 ? 'application/x-protobuf' : 'application/json' };
      const malformed = kind !== 2 && n % 8 === 5;
      if (kind === 2) body = brokenProtobuf(wide);
      else body = jsonRequest(n, client, malformed);
      if (kind === 1) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
      }
      if (kind === 3 && n % 8 === 3) headers['content-encoding'] = pick(['br', 'gzip', 'deflate']); // a body that is not what it says
      const res = await fetch(`${r.url}/v1/traces`, { method: 'POST', headers, body });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect([200, 400, 413, 415], `request ${n} answered ${res.status}: ${text.slice(0, 200)}`).toContain(res.status);
      if (kind === 0) expect(res.status, `well-formed request ${n}: ${text.slice(0, 300)}`).toBe(malformed ? 400 : 200);
      // Stored as sent, capped to 256 characters (normalize/attribute-values.ts, never splitting a
      // surrogate pair); a lone surrogate has no UTF-8 form (U+FFFD). A
      // client id over the 16 KiB attribute limit rejects its span (otlp/decode-limits.ts).
      const fits = Buffer.byteLength(client) <= 16 * 1024;
      if (res.status === 200 && kind !== 2 && fits) canaries.set(`c0${n.toString(16).padStart(14, '0')}`, Buffer.from(cap(client, 256)).toString());
    }
    expect(statuses.get(200)).toBeGreaterThan(REQUESTS / 4);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    const stored = await r.db.queryRows<{ span_id: string; client_id: string }>(`SELECT span_id, client_id FROM ${r.db.name}.llm_calls FINAL WHERE startsWith(span_id, 'c0')`);
    const got = new Map(stored.map((s) => [s.span_id, s.client_id]));
    for (const [id, client] of canaries) expect(got.get(id), `${id}: ${got.get(id)?.length} vs ${client.length} characters`).toBe(client);
    expect(got.size).toBe(canaries.size);
    expect(r.server.receiver.writer.pendingRows).toBe(0);
    // Nothing the requests carried stays reachable: caches and maps keyed by span values are bounded.
    expect(heapAfterGc() - heapBefore).toBeLessThan(64 * 2 ** 20);
  }, 240_000);
});
