import { describe, expect, it } from 'vitest';
import { BatchWriter, QueueFullError } from './batch-writer.js';

function recorder(fail = () => false) {
  const batches: number[][] = [];
  return {
    batches,
    flush: async (rows: number[]) => {
      await new Promise((r) => setTimeout(r, 5));
      if (fail()) throw new Error('store down');
      batches.push(rows);
    },
  };
}

describe('BatchWriter', () => {
  it('joins concurrent writes into one flush and settles each after it is stored', async () => {
    const rec = recorder();
    const writer = new BatchWriter<number>({ flush: rec.flush, maxBatchRows: 100, maxWaitMs: 20, maxPendingRows: 1000 });
    await Promise.all([writer.write([1, 2]), writer.write([3]), writer.write([4, 5, 6])]);
    expect(rec.batches).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('flushes by size without waiting for the timer, keeping requests whole', async () => {
    const rec = recorder();
    const writer = new BatchWriter<number>({ flush: rec.flush, maxBatchRows: 4, maxWaitMs: 60_000, maxPendingRows: 1000 });
    await Promise.all([writer.write([1, 2, 3]), writer.write([4]), writer.write([5, 6, 7]), writer.write([8])]);
    expect(rec.batches).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });

  it('rejects every request of a failed batch and accepts later ones', async () => {
    let down = true;
    const rec = recorder(() => down);
    const writer = new BatchWriter<number>({ flush: rec.flush, maxBatchRows: 10, maxWaitMs: 1, maxPendingRows: 100 });
    const results = await Promise.allSettled([writer.write([1]), writer.write([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    down = false;
    await writer.write([3]);
    expect(rec.batches).toEqual([[3]]);
  });

  it('refuses at once beyond the pending limit instead of buffering', async () => {
    const rec = recorder();
    const writer = new BatchWriter<number>({ flush: rec.flush, maxBatchRows: 10, maxWaitMs: 50, maxPendingRows: 4 });
    const first = writer.write([1, 2, 3]);
    await expect(writer.write([4, 5])).rejects.toBeInstanceOf(QueueFullError);
    await first;
    expect(rec.batches).toEqual([[1, 2, 3]]);
  });

  it('drains accepted rows on close and refuses new ones', async () => {
    const rec = recorder();
    const writer = new BatchWriter<number>({ flush: rec.flush, maxBatchRows: 10, maxWaitMs: 60_000, maxPendingRows: 100 });
    const pending = writer.write([7, 8]);
    await writer.close();
    await pending;
    expect(rec.batches).toEqual([[7, 8]]);
    await expect(writer.write([9])).rejects.toThrow(/shutting down/);
  });
});
