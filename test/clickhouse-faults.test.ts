import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clickhouseUrl } from './support/clickhouse.js';
import { startFaultProxy, type ClickHouseRequest, type Fault, type FaultProxy } from './support/fault-proxy.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { traceRequest } from './support/trace-json.js';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
let nextTrace = 1;

/** One OTLP/JSON request of `spans` gpt-4o calls (500 in / 200 out: 3,250,000 nano-USD each) for `client`. */
function calls(client: string, spans = 3): string {
  const trace = hex(nextTrace++, 32);
  return traceRequest(
    Array.from({ length: spans }, (_, i) => ({
      traceId: trace,
      spanId: hex(i + 1, 16),
      name: 'chat gpt-4o',
      kind: 3,
      scope: 'app',
      start: new Date(),
      attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 200, 'tokenledger.client.id': client },
    })),
  );
}

const isCallInsert = (req: ClickHouseRequest) => /^INSERT INTO \S+\.llm_calls /.test(req.query);

describe('ClickHouse failures, through a fault-injecting proxy in front of the real server', () => {
  let proxy: FaultProxy;
  let r: TestReceiver;
  const send = (body: string) => fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const stored = async (client: string) => {
    const [calls] = await r.db.queryRows<{ n: string; cost: string }>(`SELECT count() AS n, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_calls FINAL WHERE client_id = '${client}'`);
    const [daily] = await r.db.queryRows<{ n: string }>(`SELECT toString(sum(calls)) AS n FROM ${r.db.name}.llm_usage_daily WHERE client_id = '${client}'`);
    return { calls: Number(calls!.n), cost: calls!.cost, rollup: Number(daily!.n) };
  };

  // The in-process engine (chdb, test/support/chdb-server) does not enforce a per-request memory
  // limit on inserts: there the limit is answered as current ClickHouse words it (docs/testing.md).
  let realMemoryLimit = true;

  beforeAll(async () => {
    proxy = await startFaultProxy(clickhouseUrl());
    realMemoryLimit = (await (await fetch(`${clickhouseUrl()}/?query=${encodeURIComponent('SELECT version()')}`)).text()).startsWith('18.');
    r = await startTestReceiver('faults', { clickhouseUrl: proxy.url });
  });
  beforeEach(() => proxy.inject(null));
  afterAll(async () => {
    proxy.inject(null);
    await r.stop();
    await proxy.close();
  });

  it('stores and acknowledges the requests batched with one whose rows ClickHouse refuses, and refuses that one alone', async () => {
    // The first insert is held, so the requests sent meanwhile are batched behind it.
    // Rows of client "poison" get a stray tab on the way, so the real server refuses them.
    proxy.inject((req) => {
      if (!isCallInsert(req)) return null;
      const text = req.body.toString('utf8');
      return {
        ...(text.includes('\tholder\t') ? { delayMs: 300 } : {}),
        ...(text.includes('\tpoison\t') ? { body: Buffer.from(text.replace(/\tpoison\t/g, '\tpoison\t\t')) } : {}),
      };
    });
    const holder = send(calls('holder'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answers = await Promise.all(['left', 'poison', 'right', 'last'].map((client) => send(calls(client))));
    expect((await holder).status).toBe(200);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 200, 200]);
    const refusal = (await answers[1]!.json()) as { code: number; message: string };
    expect(refusal.code).toBe(400);
    // 18.16 words it "Code: 27, e.displayText() = DB::Exception", current servers "Code: 27. DB::Exception".
    expect(refusal.message).toMatch(/^ClickHouse refused the rows of this request: ClickHouse refused the insert: Code: 27(, e\.displayText\(\) =|\.) DB::Exception: Cannot parse input/);
    for (const client of ['holder', 'left', 'right', 'last']) expect(await stored(client)).toEqual({ calls: 3, cost: '9750000', rollup: 3 });
    expect(await stored('poison')).toEqual({ calls: 0, cost: '0', rollup: 0 });
    // The poison's batch, with others in it, failed once as a whole (the real server's own answer) before it was split.
    const batched = proxy.exchanges.filter((x) => isCallInsert(x) && x.body.includes('\tpoison\t') && ['left', 'right', 'last'].some((c) => x.body.includes(`\t${c}\t`)));
    expect(batched.length).toBeGreaterThan(0);
    // An error status either way: 500 on 18.16, 400 for a parse error on current servers.
    expect(batched.map((x) => x.status)).toEqual(batched.map((x) => (x.status === 400 ? 400 : 500)));
    expect(new Set(batched.map((x) => x.status)).size).toBe(1);
    expect(batched[0]!.answer).toMatch(/^Code: 27(, e\.displayText\(\) =|\.) DB::Exception: Cannot parse input/);
  });

  const retryable: Array<[string, (req: ClickHouseRequest) => Fault, number]> = [
    ['a read-only replica (the real server, readonly=1): READONLY', () => ({ settings: { readonly: '1' } }), 503],
    [
      'a memory limit (the real server, max_memory_usage=1): MEMORY_LIMIT_EXCEEDED',
      () =>
        realMemoryLimit
          ? { settings: { max_memory_usage: '1' } }
          : { reply: { status: 500, headers: { 'X-ClickHouse-Exception-Code': '241' }, body: 'Code: 241. DB::Exception: Memory limit (for query) exceeded: would use 4.00 MiB (attempt to allocate chunk of 4194304 bytes), maximum: 1.00 B. (MEMORY_LIMIT_EXCEEDED)\n' } },
      429,
    ],
    [
      'too many parts, as current ClickHouse answers it (header and body)',
      () => ({ reply: { status: 500, headers: { 'X-ClickHouse-Exception-Code': '252' }, body: 'Code: 252. DB::Exception: Too many parts (300 with average size of 12.50 KiB) in table \'tl.llm_calls\'. Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 24.8.4.13 (official build))\n' } }),
      429,
    ],
    [
      'a lost Keeper session, as 18.16 answers it (body only)',
      () => ({ reply: { status: 500, body: 'Code: 999, e.displayText() = Coordination::Exception: Session expired (Session expired), e.what() = Coordination::Exception\n' } }),
      503,
    ],
    [
      'too many simultaneous queries, the code in the header alone',
      () => ({ reply: { status: 500, headers: { 'X-ClickHouse-Exception-Code': '202' }, body: 'Too many simultaneous queries. Maximum: 100\n' } }),
      429,
    ],
  ];

  it.each(retryable)('answers %s with a retryable status and Retry-After, then stores the retry once', async (what, fault, status) => {
    const client = `retry-${retryable.findIndex(([w]) => w === what)}`;
    const body = calls(client);
    proxy.inject((req) => (isCallInsert(req) ? fault(req) : null));
    const refused = await send(body);
    expect(refused.status).toBe(status);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await stored(client)).toEqual({ calls: 0, cost: '0', rollup: 0 });
    proxy.inject(null);
    expect((await send(body)).status).toBe(200);
    expect((await send(body)).status).toBe(200); // a replay of what was already stored
    expect(await stored(client)).toEqual({ calls: 3, cost: '9750000', rollup: 3 });
  });
});

describe('overload, while ClickHouse is slow', () => {
  let proxy: FaultProxy;
  let r: TestReceiver;
  beforeAll(async () => {
    proxy = await startFaultProxy(clickhouseUrl());
    r = await startTestReceiver('overload_early', { clickhouseUrl: proxy.url, receiver: { maxPendingRows: 3 } });
  });
  afterAll(async () => {
    await r.stop();
    await proxy.close();
  });

  it('refuses with 429 before reading the body once the writer is at its limit', async () => {
    proxy.inject((req) => (isCallInsert(req) ? { delayMs: 500 } : null));
    const post = (body: string) => fetch(`${r.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const held = post(calls('slow', 3));
    await new Promise((resolve) => setTimeout(resolve, 200)); // its 3 rows are pending: the limit
    const refused = await post('this is not OTLP'); // a 400 if it were decoded
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await held).status).toBe(200);
  });
});
