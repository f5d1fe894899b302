import { describe, expect, it } from 'vitest';
import { InFlightMeter } from './in-flight-meter.js';

describe('InFlightMeter', () => {
  it('reads about 1 for a sender that sends as soon as it is answered, however long each answer takes', () => {
    const after = (answerMs: number) => {
      const meter = new InFlightMeter();
      let t = 10_000;
      for (; t < 13_000; t += answerMs) meter.settled(t, t + answerMs);
      return meter.average(t);
    };
    for (const answerMs of [3, 15, 40, 100]) expect(Math.abs(after(answerMs) - 1)).toBeLessThan(0.15);
    // A request counts whole in the second it settled: answers of a good part of a second read high, never low.
    expect(after(400)).toBeGreaterThan(1);
  });

  it('reads the share of time spent waiting for a sender with time between its requests, and 0 once it stopped', () => {
    const meter = new InFlightMeter();
    for (let t = 10_000; t < 13_000; t += 100) meter.settled(t, t + 20); // 20 ms of every 100
    expect(meter.average(13_000)).toBeCloseTo(0.2, 1);
    expect(meter.average(15_500)).toBe(0);
  });

  it('adds up concurrent requests', () => {
    const meter = new InFlightMeter();
    for (let t = 10_000; t < 12_000; t += 50) for (let i = 0; i < 4; i++) meter.settled(t, t + 50);
    expect(meter.average(12_000)).toBeCloseTo(4, 0);
  });
});
