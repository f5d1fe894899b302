import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../packages/receiver/src/clickhouse/migrate.js';
import { createStoreClient, type StoreClient } from '../packages/receiver/src/clickhouse/store-client.js';
import { StoreUnavailableError } from '../packages/receiver/src/errors.js';
import { workClaimer } from '../packages/receiver/src/coordination/work-claims.js';
import { BatchWriter } from '../packages/receiver/src/ingest/batch-writer.js';
import type { IngestRow } from '../packages/receiver/src/ingest/ingest-row.js';
import { journalRows, replayJournal } from '../packages/receiver/src/ingest/journal-replay.js';
import { JournalLookups } from '../packages/receiver/src/ingest/journal-lookups.js';
import { JournaledWriter, type RequestBody } from '../packages/receiver/src/ingest/journaled-writer.js';
import { pendingCalls, pendingCallsTsv, type PendingCall } from '../packages/receiver/src/ingest/pending-calls.js';
import { combinePrepared, insertPrepared, prepareIngestRows, type PreparedBatch } from '../packages/receiver/src/ingest/store-calls.js';
import { appendJournal, type JournalEntry, type RowsContent } from '../packages/receiver/src/store/ingest-journal.js';
import { loadConfig } from '../packages/receiver/src/config/load-config.js';
import { requestRows } from '../packages/receiver/src/ingest/request-rows.js';
import { priceCall } from '../packages/receiver/src/ingest/price-call.js';
import type { IngestStages } from '../packages/receiver/src/ingest/spans-to-rows.js';
import { normalizeSpan } from '../packages/receiver/src/normalize/index.js';
import { decodeProtobufTraces, decodeTraces, DEFAULT_DECODE_LIMITS, type OtlpFormat } from '../packages/receiver/src/otlp/index.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { insertCalls } from '../packages/receiver/src/store/llm-calls.js';
import { createTestDatabase, type TestDatabase } from './support/clickhouse.js';
import { protobufRequests } from './support/otlp-requests.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';
import { sampleRow } from './support/sample-call-row.js';

const count = async (db: TestDatabase, query: string) => Number((await db.queryRows<{ n: string }>(query))[0]!.n);

/** Sends `bodies` with `inFlight` requests at a time, each sender posting its next once answered; the statuses. */
async function send(url: string, bodies: Uint8Array[], inFlight: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, sender));
  return statuses;
}

describe('the write-ahead journal with the real receiver', () => {
  let r: TestReceiver;
  beforeAll(async () => {
    r = await startTestReceiver('journal', { yaml: 'ingest:\n  journal_min_in_flight: 0.001\n' });
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('answers from the journal while requests come fast, and stores every call once with a drained record per entry', async () => {
    const bodies = protobufRequests(24, 50);
    expect(await send(r.url, bodies, 4)).toEqual(Array(24).fill(200));
    const db = r.db.name;
    // The first requests of a quiet receiver wait for llm_calls; once answers have kept a sender waiting, the rest are journaled.
    const entries = await count(r.db, `SELECT count() AS n FROM ${db}.ingest_journal`);
    expect(entries).toBeGreaterThanOrEqual(12);
    expect(entries).toBeLessThanOrEqual(23);
    // Sent plain, kept gzip: a ninth of the bytes for ClickHouse to write and merge.
    const kept = await r.db.queryRows<{ gzip: string; bytes: string }>(`SELECT countIf(position(entry, ' otlp:protobuf+gzip ') > 0) AS gzip, sum(length(entry)) AS bytes FROM ${db}.ingest_journal`);
    expect(Number(kept[0]!.gzip)).toBe(entries);
    expect(Number(kept[0]!.bytes)).toBeLessThan((bodies[0]!.byteLength * entries) / 3);
    // Reads through the receiver wait for what it acknowledged to be in llm_calls.
    const usage = (await (await fetch(`${r.url}/api/v1/usage?from=2020-01-01&to=2100-01-01&group_by=client`)).json()) as { rows: { calls: number }[] };
    expect(usage.rows.reduce((n, row) => n + row.calls, 0)).toBe(1_200);
    const { writer, journal } = r.server.receiver;
    for (let waited = 0; writer.pendingRows > 0 && waited < 10_000; waited += 20) await sleep(20);
    await journal.close(); // writes the drained records gathered so far
    expect(await count(r.db, `SELECT count() AS n FROM ${db}.llm_calls`)).toBe(1_200);
    expect(await count(r.db, `SELECT uniqExact(trace_id, span_id) AS n FROM ${db}.llm_calls`)).toBe(1_200);
    expect(await count(r.db, `SELECT sum(calls) AS n FROM ${db}.llm_usage_daily`)).toBe(1_200);
    expect(await r.db.queryRows(`SELECT outcome, count() AS n FROM ${db}.ingest_journal_drained GROUP BY outcome`)).toEqual([{ outcome: 'stored', n: String(entries) }]);
  });
});

describe('a receiver with the journal at 0.5 requests in flight', () => {
  it('answers requests sent now and then only once their calls are in llm_calls, with no journal row', async () => {
    const r = await startTestReceiver('journal_default', { yaml: 'ingest:\n  journal_min_in_flight: 0.5\n' }); // the setting benchmarked
    try {
      for (const body of protobufRequests(3, 20)) {
        expect(await send(r.url, [body], 1)).toEqual([200]);
        await sleep(1_100); // a sender with time between its exports: never half a second of waiting in any second
      }
      expect(await count(r.db, `SELECT count() AS n FROM ${r.db.name}.llm_calls`)).toBe(60);
      expect(await count(r.db, `SELECT count() AS n FROM ${r.db.name}.ingest_journal`)).toBe(0);
    } finally {
      await r.stop();
    }
  });
});

describe('replaying the journal', () => {
  let db: TestDatabase;
  let store: StoreClient;
  let writer: BatchWriter<IngestRow, PreparedBatch>;
  const now = new Date('2026-11-20T12:00:00Z');
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
  const call = (span: number, client = 'acme') => sampleRow({ span_id: span.toString(16).padStart(16, '0'), client_id: client, project: "it's\ta\\test", timestamp: '2026-11-20 11:50:00' });
  /** An entry of the first journal (stop 23), which held rows made already: still replayed. */
  const entry = (writtenAt: Date, rows: ReturnType<typeof call>[]): JournalEntry => ({
    batch_id: randomUUID(),
    receiver: 'receiver-that-died',
    written_at: writtenAt,
    content: { kind: 'rows', calls: rows.length, call_lines: pendingCallsTsv(pendingCalls(rows)), link_rows: '' },
  });
  let stages: IngestStages;
  /** A request body as an exporter sends it, and the rows the route makes of it. */
  const request = (body: Uint8Array, arrivedAt = now) => ({ body, rows: requestRows(decodeProtobufTraces(body), stages, arrivedAt).rows });
  /** A request as sent: gzipped as the Collector sends it (the journal keeps it so), or not. */
  const sentAs = (bytes: Uint8Array, gzip = false): RequestBody => (gzip ? { format: 'protobuf', encoding: 'gzip', sent: gzipSync(bytes), bytes } : { format: 'protobuf', encoding: 'identity', sent: bytes, bytes });
  const replayRows = (bytes: Uint8Array, format: OtlpFormat, arrivedAt: Date) => requestRows(decodeTraces(bytes, format, DEFAULT_DECODE_LIMITS), stages, arrivedAt).rows;
  const replay = (at: Date, holder: string, options: { lookbackMs?: number } = {}) =>
    replayJournal(store, writer, { now: at, claimer: workClaimer(store, { holder, delayMs: 10 }), retentionDays: 2, requestRows: replayRows, ...options });
  /** The calls of `bodies` in llm_calls. */
  const storedOf = (...bodies: Uint8Array[]) => {
    const traces = bodies.flatMap((b) => decodeProtobufTraces(b).spans.map((sp) => `'${sp.traceId}'`));
    return count(db, `SELECT count() AS n FROM ${db.name}.llm_calls WHERE trace_id IN (${traces.join(', ')})`);
  };
  const storeWriter = (s: StoreClient, store: (b: PreparedBatch) => Promise<void>) =>
    new BatchWriter<IngestRow, PreparedBatch>({
      maxBatchRows: 5_000,
      maxPendingRows: 100_000,
      isPermanent: () => false,
      prepare: (rows, unconfirmed) => prepareIngestRows(s, rows, unconfirmed),
      combine: combinePrepared,
      store,
    });

  beforeAll(async () => {
    db = await createTestDatabase('journal_replay');
    store = createStoreClient({ url: db.url, username: 'default', password: '', database: db.name, cluster: null });
    await migrate(store, { database: db.name, cluster: null });
    writer = storeWriter(store, (b) => insertPrepared(store, b));
    const pricer = buildPricer(await loadConfig({ env: { CLICKHOUSE_URL: db.url } }));
    stages = { normalize: (span) => normalizeSpan(span, { extraClientKeys: [] }), price: priceCall(pricer) };
  });
  afterAll(async () => {
    await writer.close();
    await store.close();
    await db.drop();
  });

  it('reads back each call of an entry as it was encoded, escapes included', () => {
    const rows = [call(1), call(2, 'globex\n')];
    const [a, b] = journalRows(entry(now, rows).content as RowsContent) as ReturnType<typeof pendingCalls>;
    expect({ ...a!, lines: undefined }).toEqual({ ...pendingCalls([rows[0]!])[0]!, lines: undefined, start: 0, end: a!.end });
    expect(b).toMatchObject({ client_id: 'globex\n', project: "it's\ta\\test", span_id: '0000000000000002', cost_nanos: rows[1]!.cost_nanos, priced: 1, metered: 1 });
    expect(pendingCallsTsv([a!, b!])).toEqual(pendingCallsTsv(pendingCalls(rows)));
  });

  it('stores the entries left undrained once they are a minute old, dropping calls already stored, billed once', async () => {
    await insertCalls(store, [call(3)]); // this entry's first insert got through; its drained record did not
    await appendJournal(store, entry(minutesAgo(5), [call(1), call(2)]));
    await appendJournal(store, entry(minutesAgo(4), [call(3), call(4)]));
    await appendJournal(store, entry(minutesAgo(0.5), [call(5)]));
    const first = await replay(now, 'sweeper');
    expect(first).toEqual({ ran: true, stored: 2, rejected: 0, failed: 0, droppedDays: 0 });
    const spans = await db.queryRows<{ span_id: string }>(`SELECT span_id FROM ${db.name}.llm_calls ORDER BY span_id`);
    expect(spans.map((s) => Number.parseInt(s.span_id, 16))).toEqual([1, 2, 3, 4]);
    expect(await count(db, `SELECT sum(calls) AS n FROM ${db.name}.llm_usage_daily`)).toBe(4);
    const again = await replay(new Date(now.getTime() + 10_000), 'sweeper');
    expect(again).toMatchObject({ ran: true, stored: 0 });
    // A minute later the young entry is old enough.
    expect(await replay(new Date(now.getTime() + 120_000), 'sweeper')).toMatchObject({ stored: 1 });
    expect(await count(db, `SELECT count() AS n FROM ${db.name}.llm_calls`)).toBe(5);
  });

  it('looks back past the last hour only when asked to, as a receiver does on its first run', async () => {
    const at = new Date(now.getTime() + 3_600_000 * 30);
    await appendJournal(store, entry(new Date(at.getTime() - 3 * 3_600_000), [call(20)]));
    expect(await replay(at, 'first-run')).toMatchObject({ ran: true, stored: 0 });
    expect(await replay(at, 'first-run', { lookbackMs: 2 * 86_400_000 })).toMatchObject({ ran: true, stored: 1 });
    expect(await count(db, `SELECT count() AS n FROM ${db.name}.llm_calls WHERE span_id = '0000000000000014'`)).toBe(1);
  });

  it('carries the span links of an entry through the journal', () => {
    const link = { trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8), parent_span_id: '', span_kind: 1, timestamp: '2026-11-20 11:50:00', client_id: 'acme "quoted"', client_key: 'tokenledger.client.id', received_at: '2026-11-20 11:50:01' };
    const rows = journalRows({ ...(entry(now, [call(30)]).content as RowsContent), link_rows: JSON.stringify([link]) });
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(link);
  });

  it('leaves the minute to the receiver that claimed it first', async () => {
    const later = new Date(now.getTime() + 600_000);
    await appendJournal(store, entry(new Date(later.getTime() - 120_000), [call(40)]));
    const mine = await replay(later, 'a');
    await appendJournal(store, entry(new Date(later.getTime() - 90_000), [call(41)])); // found by b, whose claim comes second
    const theirs = await replay(later, 'b');
    expect([mine.ran, theirs.ran]).toEqual([true, false]);
    // The minute's holder stores what b left, so the next test starts with nothing undrained.
    expect(await replay(later, 'a')).toMatchObject({ ran: true, stored: 1 });
  });

  it('answers a gzipped request from the journal when its insert fails, and the replay decodes and stores it later', async () => {
    const failing = storeWriter(store, async () => {
      await sleep(300); // after the journal row is written: the answer comes from the journal
      throw new StoreUnavailableError('ClickHouse went away mid-insert');
    });
    const journal = new JournaledWriter(store, failing, { minInFlight: 0.1, receiver: 'r1', now: () => minutesAgo(3) });
    const [waited, journaled] = protobufRequests(2, 5).map((b) => request(b, minutesAgo(3)));
    const write = ({ body, rows }: { body: Uint8Array; rows: IngestRow[] }) => {
      const arrived = performance.now();
      return journal.write(rows, undefined, arrived, journal.begin(sentAs(body, true), minutesAgo(3), arrived, rows.length));
    };
    // Nothing in flight yet: the first answer waits for llm_calls, and fails; it kept its sender waiting 300 ms.
    await expect(write(waited!)).rejects.toThrow(StoreUnavailableError);
    await write(journaled!);
    await journal.close();
    await failing.close();
    expect(await storedOf(journaled!.body)).toBe(0);
    expect(await replay(new Date(now.getTime() + 900_000), 'c')).toMatchObject({ ran: true, stored: 1 });
    expect(await storedOf(journaled!.body)).toBe(5);
    // Made again as on arrival: received then, priced the same.
    const traces = decodeProtobufTraces(journaled!.body).spans.map((sp) => `'${sp.traceId}'`);
    const priced = journaled!.rows.reduce((n, r) => n + BigInt((r as PendingCall).cost_nanos), 0n);
    expect(await db.queryRows(`SELECT toString(min(received_at)) AS first, toString(max(received_at)) AS last, toString(sum(cost_nanos)) AS cost FROM ${db.name}.llm_calls WHERE trace_id IN (${traces.join(', ')})`)).toEqual([
      { first: '2026-11-20 11:57:00', last: '2026-11-20 11:57:00', cost: String(priced) },
    ]);
    expect(priced).toBeGreaterThan(0n);
  });

  it('stores an answered request itself once ClickHouse takes inserts again, without waiting for the replay', async () => {
    let failures = 2;
    const flaky = storeWriter(store, async (b) => {
      if (failures-- > 0) throw new StoreUnavailableError('a replica is restarting');
      await insertPrepared(store, b);
    });
    const journal = new JournaledWriter(store, flaky, { minInFlight: 0.001, receiver: 'r-flaky', now: () => minutesAgo(2) });
    const [warm, answered] = protobufRequests(2, 3).map((b) => request(b, minutesAgo(2)));
    const write = ({ body, rows }: { body: Uint8Array; rows: IngestRow[] }) => {
      const arrived = performance.now();
      return journal.write(rows, undefined, arrived, journal.begin(sentAs(body), minutesAgo(2), arrived, rows.length));
    };
    await expect(write(warm!)).rejects.toThrow(StoreUnavailableError); // not journaled: its sender retries
    await write(answered!); // answered from the journal; the first insert of its rows fails too
    await journal.visible();
    expect(failures).toBe(-1);
    expect(await storedOf(answered!.body)).toBe(3);
    await journal.close();
    await flaky.close();
    expect(await count(db, `SELECT count() AS n FROM ${db.name}.ingest_journal_drained WHERE written_at = '2026-11-20 11:58:00'`)).toBe(1);
  });

  it('stores once a request re-sent through other receivers right after its answer came from the journal', async () => {
    const slow = storeWriter(store, async (b) => {
      await sleep(300);
      await insertPrepared(store, b);
    });
    const policy = (receiver: string) => ({ minInFlight: 0.001, receiver, now: () => now });
    const receivers = ['r-first', 'r-journaling', 'r-straight'].map((name, i) => new JournaledWriter(store, i === 0 ? slow : writer, policy(name)));
    const [first, journaling, straight] = receivers as [JournaledWriter, JournaledWriter, JournaledWriter];
    const write = (receiver: JournaledWriter, { body, rows }: { body: Uint8Array; rows: IngestRow[] }) => {
      const arrived = performance.now();
      return receiver.write(rows, undefined, arrived, receiver.begin(sentAs(body), now, arrived, rows.length));
    };
    const [warmFirst, warmJournaling, resent] = protobufRequests(3, 4).map((b) => request(b));
    // Each answer so far kept a sender waiting: the next request of these two is journaled.
    await write(first, warmFirst!);
    await write(journaling, warmJournaling!);
    await write(first, resent!);
    expect(await storedOf(resent!.body)).toBe(0); // answered from the journal, not in llm_calls yet
    // The retries: one journaled, one (a quiet receiver) waiting for llm_calls; both find the first entry.
    await Promise.all([write(journaling, resent!), write(straight, resent!)]);
    await write(first, resent!); // a retry through the first receiver again
    await Promise.all(receivers.map((r) => r.close()));
    await slow.close();
    expect(await storedOf(resent!.body)).toBe(4);
    const id = `(SELECT batch_id FROM ${db.name}.ingest_journal WHERE entry LIKE 'r-journaling %')`;
    expect(await count(db, `SELECT count() AS n FROM ${db.name}.ingest_journal WHERE batch_id = ${id}`)).toBe(3); // the first receiver's two, one retry's
    // A copy that yielded to another receiver's entry stored nothing and left its own undrained;
    // every copy has the id of the request's content, so the first entry's record covers them all.
    expect(await count(db, `SELECT count() AS n FROM ${db.name}.ingest_journal WHERE batch_id NOT IN (SELECT batch_id FROM ${db.name}.ingest_journal_drained)`)).toBe(0);
    expect(await replay(new Date(now.getTime() + 1_200_000), 'd')).toMatchObject({ ran: true, stored: 0 });
  });

  it('asks about gathered lookups in one query, at once when their rows would fill a batch', async () => {
    const journaled = sentAs(protobufRequests(1, 2)[0]!);
    await appendJournal(store, { batch_id: 'other-first', receiver: 'a', written_at: new Date(Date.now() - 60_000), content: { kind: 'request', format: 'protobuf', encoding: 'identity', received_at_ms: 0, bytes: journaled.sent } });
    let queries = 0;
    const counting: StoreClient = { ...store, queryRows: (query) => (queries++, store.queryRows(query)) };
    const lookups = new JournalLookups(counting, () => new Date(), (rows) => rows >= 5_000);
    const own = { at: Math.floor(Date.now() / 1000), receiver: 'b' };
    // Would wait a minute, but 2,000 + 2,000 + 1,000 rows fill a batch: asked with the third, once.
    const answers = Promise.all([lookups.yields('other-first', own, 60_000, 2_000), lookups.yields('new-one', own, 60_000, 2_000), lookups.yields('new-two', own, 60_000, 1_000)]);
    expect(await answers).toEqual([true, false, false]);
    expect(queries).toBe(1);
    // A lookup that may not wait goes at the next turn, with the ones waiting beside it.
    const later = lookups.yields('other-first', null, 60_000, 10);
    expect(await Promise.all([later, lookups.yields('new-three', null, 0)])).toEqual([true, false]);
    expect(queries).toBe(2);
  });
});
