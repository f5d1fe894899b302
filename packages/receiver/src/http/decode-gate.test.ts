import { describe, expect, it } from 'vitest';
import { DecodeBusyError, DecodeGate } from './decode-gate.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('DecodeGate', () => {
  it('runs at most maxActive at once, queues up to maxWaiting in order, refuses the rest', async () => {
    const gate = new DecodeGate(2, 1);
    const started: number[] = [];
    const holds = [deferred(), deferred(), deferred()];
    const runs = holds.map((h, i) => gate.run(async () => (started.push(i), await h.promise, i)));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    await expect(gate.run(async () => 9)).rejects.toBeInstanceOf(DecodeBusyError);
    holds[0]!.resolve();
    await runs[0];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    expect(gate.inFlight).toBe(2);
    holds[1]!.resolve();
    holds[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(gate.inFlight).toBe(0);
  });

  it('frees the slot when the work fails', async () => {
    const gate = new DecodeGate(1, 0);
    await expect(gate.run(async () => Promise.reject(new Error('bad body')))).rejects.toThrow('bad body');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
