import { describe, expect, it } from 'vitest';
import { BatchWriter, QueueFullError, RowsRejectedError } from './batch-writer.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store that takes `storeMs` per batch and records what each stage saw, in order. */
function recorder(options: { fail?: (rows: number[]) => boolean; storeMs?: number } = {}) {
  const batches: number[][] = [];
  const events: string[] = [];
  const unconfirmedSeen: number[][] = [];
  return {
    batches,
    events,
    unconfirmedSeen,
    prepare: async (rows: number[], unconfirmed: number[] | null) => {
      events.push(`prepare ${rows.join(',')}`);
      unconfirmedSeen.push([...(unconfirmed ?? [])]);
      await tick(1);
      return rows;
    },
    store: async (rows: number[]) => {
      events.push(`store ${rows.join(',')}`);
      await tick(options.storeMs ?? 5);
      if (options.fail?.(rows)) throw new Error('store down');
      batches.push(rows);
      events.push(`stored ${rows.join(',')}`);
    },
  };
}

type Recorder = ReturnType<typeof recorder>;
class Poison extends Error {}
const combine = (a: number[], b: number[]) => [...a, ...b];
const writerFor = (rec: Recorder, limits: { maxBatchRows: number; maxPendingRows: number; maxLingerMs?: number }) =>
  new BatchWriter<number, number[]>({ prepare: rec.prepare, combine, store: rec.store, isPermanent: (err) => err instanceof Poison, ...limits });

describe('BatchWriter', () => {
  it('starts a batch at once and lets what arrives during its check join it, settling each after it is stored', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 1000 });
    await Promise.all([writer.write([1, 2]), writer.write([3]), writer.write([4, 5, 6])]);
    expect(rec.batches).toEqual([[1, 2, 3, 4, 5, 6]]);
    // The late requests are checked against the batch's own kept rows.
    expect(rec.events.slice(0, 2)).toEqual(['prepare 1,2', 'prepare 3,4,5,6']);
    expect(rec.unconfirmedSeen).toEqual([[], [1, 2]]);
    await writer.write([7]);
    expect(rec.batches.at(-1)).toEqual([7]);
  });

  it('gathers what arrives during an insert into the next batch, checked while that insert runs', async () => {
    const rec = recorder({ storeMs: 30 });
    const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 1000 });
    const first = writer.write([1]);
    await tick(10); // [1] is being inserted
    await Promise.all([first, writer.write([2]), writer.write([3]), writer.write([4])]);
    expect(rec.batches).toEqual([[1], [2, 3, 4]]);
    // 3 and 4 arrive while 2 is checked: they share the next check, still during the insert of 1.
    expect(rec.events).toEqual(['prepare 1', 'store 1', 'prepare 2', 'prepare 3,4', 'stored 1', 'store 2,3,4', 'stored 2,3,4']);
    expect(rec.unconfirmedSeen).toEqual([[], [1], [1, 2]]);
  });

  it('checks again against the store what joined a batch during an insert that then failed', async () => {
    const rec = recorder({ storeMs: 30, fail: (rows) => rows.includes(1) });
    const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 1000 });
    const first = writer.write([1]);
    await tick(10); // [1] is being inserted (and will fail)
    const results = await Promise.allSettled([first, writer.write([2]), writer.write([3])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(rec.unconfirmedSeen).toEqual([[], [1], [1, 2], []]);
    expect(rec.events.filter((e) => e.startsWith('prepare')).at(-1)).toBe('prepare 2,3');
    expect(rec.batches).toEqual([[2, 3]]);
  });

  it('caps a batch by size, keeping requests whole', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 4, maxPendingRows: 1000 });
    await Promise.all([writer.write([1, 2, 3]), writer.write([4]), writer.write([5, 6, 7]), writer.write([8])]);
    expect(rec.batches).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('prepares the next batch while the previous one is stored, showing it the unconfirmed rows', async () => {
    const rec = recorder({ storeMs: 30 });
    const writer = writerFor(rec, { maxBatchRows: 2, maxPendingRows: 1000 });
    await Promise.all([writer.write([1, 2]), writer.write([3, 4]), writer.write([5, 6])]);
    expect(rec.events).toEqual([
      'prepare 1,2', 'store 1,2', 'prepare 3,4', 'stored 1,2',
      'store 3,4', 'prepare 5,6', 'stored 3,4',
      'store 5,6', 'stored 5,6',
    ]);
    expect(rec.unconfirmedSeen).toEqual([[], [1, 2], [3, 4]]);
  });

  it('prepares a batch again, against the store, when the batch it was prepared against failed', async () => {
    const rec = recorder({ storeMs: 20, fail: (rows) => rows.includes(1) });
    const writer = writerFor(rec, { maxBatchRows: 1, maxPendingRows: 100 });
    const results = await Promise.allSettled([writer.write([1]), writer.write([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect(rec.unconfirmedSeen).toEqual([[], [1], []]);
    expect(rec.batches).toEqual([[2]]);
  });

  it('isolates the request whose rows ClickHouse refuses for good and stores the others of its batch', async () => {
    const rec = recorder();
    const store = rec.store;
    rec.store = async (rows) => {
      if (rows.includes(13)) throw new Poison('Code: 27, e.displayText() = DB::Exception: Cannot parse input');
      await store(rows);
    };
    const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 100 });
    const results = await Promise.allSettled([writer.write([1]), writer.write([2]), writer.write([13, 14]), writer.write([4]), writer.write([5])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const refused = (results[2] as PromiseRejectedResult).reason as Error;
    expect(refused).toBeInstanceOf(RowsRejectedError);
    expect(refused.message).toBe('ClickHouse refused the rows of this request: Code: 27, e.displayText() = DB::Exception: Cannot parse input');
    // [1] and the requests that joined it fail as one, then each half is prepared again on its own.
    expect(rec.batches).toEqual([[1, 2], [4, 5]]);
    expect(rec.events.filter((e) => e.startsWith('prepare'))).toEqual(['prepare 1', 'prepare 2,13,14,4,5', 'prepare 1,2,13,14', 'prepare 1,2', 'prepare 13,14', 'prepare 4,5']);
  });

  it('does not split a batch on a failure that a retry can cure', async () => {
    let calls = 0;
    const rec = recorder({ fail: () => ++calls > 0 });
    const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 100 });
    const results = await Promise.allSettled([writer.write([1]), writer.write([2]), writer.write([3])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rec.events.filter((e) => e.startsWith('store'))).toEqual(['store 1,2,3']);
  });

  it('rejects every request of a failed batch', async () => {
    let down = true;
    const rec = recorder({ fail: () => down });
    const writer = writerFor(rec, { maxBatchRows: 10, maxPendingRows: 100 });
    const results = await Promise.allSettled([writer.write([1]), writer.write([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    down = false;
    await writer.write([3]);
    expect(rec.batches).toEqual([[3]]);
  });

  it('rejects the batch when prepare throws at once, and goes on with the next', async () => {
    let throwNow = true;
    const writer = new BatchWriter<number, number[]>({
      prepare: (rows) => {
        if (throwNow) throw new Error('check failed');
        return Promise.resolve(rows);
      },
      combine,
      store: async () => undefined,
      isPermanent: () => false,
      maxBatchRows: 10,
      maxPendingRows: 100,
    });
    await expect(writer.write([1])).rejects.toThrow('check failed');
    throwNow = false;
    await writer.write([2]);
    expect(writer.pendingRows).toBe(0);
  });

  it('takes a check made ahead, while it was idle, for a lone request when no insert started since', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 10, maxPendingRows: 100 });
    expect(writer.idle).toBe(true);
    const ahead = { epoch: writer.epoch, prepare: async (rows: number[]) => rows.filter((r) => r !== 2) };
    await writer.write([1, 2, 3], ahead);
    expect(rec.events).toEqual(['store 1,3', 'stored 1,3']);
    expect(writer.epoch).toBe(1);
  });

  it('ignores a check made ahead once an insert started after it, or when it does not cover the rows', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 10, maxPendingRows: 100 });
    const stale = { epoch: writer.epoch, prepare: async () => [] };
    await writer.write([1]);
    await writer.write([2], stale);
    await writer.write([3], { epoch: writer.epoch, prepare: async () => null });
    expect(rec.batches).toEqual([[1], [2], [3]]);
    expect(rec.events.filter((e) => e.startsWith('prepare'))).toEqual(['prepare 1', 'prepare 2', 'prepare 3']);
  });

  it('checks a request that joins a batch with that batch, whatever it checked ahead', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 10, maxPendingRows: 100 });
    const first = writer.write([1]);
    // [1] is being checked: [2] joins its batch and is checked against it, not by its own check.
    await Promise.all([first, writer.write([2], { epoch: writer.epoch, prepare: async () => [] })]);
    expect(rec.batches).toEqual([[1, 2]]);
    expect(rec.events.filter((e) => e.startsWith('prepare'))).toEqual(['prepare 1', 'prepare 2']);
  });

  it('refuses at once beyond the pending limit instead of buffering', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 10, maxPendingRows: 4 });
    const first = writer.write([1, 2, 3]);
    expect(writer.full).toBe(false);
    await expect(writer.write([4, 5])).rejects.toBeInstanceOf(QueueFullError);
    const second = writer.write([4]);
    expect(writer.full).toBe(true);
    await Promise.all([first, second]);
    expect(writer.full).toBe(false);
    expect(rec.batches).toEqual([[1, 2, 3, 4]]);
  });

  it('drains accepted rows on close and refuses new ones', async () => {
    const rec = recorder();
    const writer = writerFor(rec, { maxBatchRows: 10, maxPendingRows: 100 });
    const pending = writer.write([7, 8]);
    await writer.close();
    await pending;
    expect(rec.batches).toEqual([[7, 8]]);
    await expect(writer.write([9])).rejects.toThrow(/shutting down/);
  });

  describe('deferred writes (answered already, from the journal)', () => {
    const deferred = { deferred: true };

    it('hold until they fill a batch, then start it at once', async () => {
      const rec = recorder();
      const writer = writerFor(rec, { maxBatchRows: 4, maxPendingRows: 100, maxLingerMs: 60_000 });
      const held = [writer.write([1], undefined, deferred), writer.write([2], undefined, deferred)];
      await tick(20);
      expect(rec.events).toEqual([]);
      expect(writer.fitsNextBatch(2)).toBe(true);
      expect(writer.fitsNextBatch(3)).toBe(false);
      await Promise.all([...held, writer.write([3, 4], undefined, deferred)]);
      expect(rec.batches).toEqual([[1, 2, 3, 4]]);
      await writer.close();
    });

    it('start when the oldest has lingered maxLingerMs', async () => {
      const rec = recorder();
      const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 1000, maxLingerMs: 40 });
      const first = writer.write([1], undefined, deferred);
      await tick(15);
      const second = writer.write([2], undefined, deferred);
      await tick(5);
      expect(rec.events).toEqual([]);
      await Promise.all([first, second]);
      expect(rec.batches).toEqual([[1, 2]]);
    });

    it('go with a write that is not deferred, and with a flush', async () => {
      const rec = recorder();
      const writer = writerFor(rec, { maxBatchRows: 100, maxPendingRows: 1000, maxLingerMs: 60_000 });
      await Promise.all([writer.write([1], undefined, deferred), writer.write([2])]);
      expect(rec.batches).toEqual([[1, 2]]);
      const third = writer.write([3], undefined, deferred);
      await tick(10);
      expect(rec.batches).toHaveLength(1);
      writer.flush();
      await third;
      expect(rec.batches).toEqual([[1, 2], [3]]);
    });

    it('gather during an insert into the next full batch instead of a batch of their own each', async () => {
      const rec = recorder({ storeMs: 30 });
      const writer = writerFor(rec, { maxBatchRows: 3, maxPendingRows: 1000, maxLingerMs: 60_000 });
      const first = writer.write([1, 2, 3], undefined, deferred);
      await tick(10); // [1, 2, 3] is being inserted
      const rest = [4, 5, 6, 7].map((n) => writer.write([n], undefined, deferred));
      await Promise.all([first, ...rest.slice(0, 2)]);
      expect(rec.batches).toEqual([[1, 2, 3], [4, 5, 6]]);
      await writer.close(); // stores what still lingers
      await rest[3];
      expect(rec.batches.at(-1)).toEqual([7]);
    });
  });
});
