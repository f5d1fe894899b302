import { describe, expect, it } from 'vitest';
import { BackgroundTask, type RunOutcome } from './background-task.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BackgroundTask', () => {
  it('never runs twice at once, and folds the requests made during a run into one more run', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const task = new BackgroundTask({
      intervalMs: 60_000,
      maxBackoffMs: 60_000,
      run: async () => {
        runs++;
        most = Math.max(most, ++running);
        await sleep(50);
        running--;
      },
    });
    task.request();
    await sleep(10);
    for (let i = 0; i < 5; i++) task.request();
    await sleep(200);
    await task.close();
    expect([runs, most]).toEqual([2, 1]);
  });

  it('doubles its wait after each failed or slow run, up to the cap, and resets after a good one', async () => {
    const outcomes: RunOutcome[] = [];
    const delays: number[] = [];
    let mode: 'fail' | 'slow' | 'ok' = 'fail';
    const task = new BackgroundTask({
      intervalMs: 10,
      maxBackoffMs: 40,
      slowMs: 15,
      run: async () => {
        if (mode === 'fail') throw new Error('ClickHouse unavailable');
        if (mode === 'slow') await sleep(25);
      },
      onOutcome: (outcome) => {
        outcomes.push(outcome);
        delays.push(task.currentDelayMs);
      },
    });
    task.start();
    while (outcomes.length < 3) await sleep(5);
    mode = 'slow';
    while (outcomes.length < 4) await sleep(5);
    mode = 'ok';
    while (outcomes.length < 5) await sleep(5);
    await task.close();
    expect(outcomes.slice(0, 5)).toEqual(['failed', 'failed', 'failed', 'slow', 'ok']);
    expect(delays.slice(0, 5)).toEqual([20, 40, 40, 40, 10]);
  });
});
