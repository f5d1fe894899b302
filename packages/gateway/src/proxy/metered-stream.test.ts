import { describe, expect, it } from 'vitest';
import { chatStreamReader, generateContentStreamReader } from '@tokenledger/otel';
import { jsonArrayStream, SseMeter, WholeBodyMeter, type BodyMeter } from './metered-stream.js';
import { eventData, SseSplitter } from './sse-events.js';

describe('SseSplitter', () => {
  it('returns whole events however the text is cut, with every line ending the standard allows', () => {
    const stream = 'event: a\ndata: {"x":1}\n\ndata: 2\r\n\r\ndata: 3\r\rdata: tail';
    for (let cut = 1; cut < stream.length; cut++) {
      const splitter = new SseSplitter();
      const events = [...splitter.push(stream.slice(0, cut)), ...splitter.push(stream.slice(cut))];
      expect(events).toEqual(['event: a\ndata: {"x":1}\n\n', 'data: 2\r\n\r\n', 'data: 3\r\r']);
      expect(splitter.rest()).toBe('data: tail');
    }
    // One character a push: every separator arrives cut at every place at once.
    const splitter = new SseSplitter();
    expect([...stream].flatMap((c) => splitter.push(c))).toEqual(['event: a\ndata: {"x":1}\n\n', 'data: 2\r\n\r\n', 'data: 3\r\r']);
    expect(splitter.rest()).toBe('data: tail');
  });

  it('joins data lines and reads both "data:" spellings', () => {
    expect(eventData('event: e\ndata: one\ndata:two\n\n')).toBe('one\ntwo');
    expect(eventData(': comment\n\n')).toBeUndefined();
  });
});

describe('body meters', () => {
  /** Feeds `parts` as upstream chunks; returns what the caller gets, chunk by chunk. */
  const run = (meter: BodyMeter, parts: string[]) => {
    const out = parts.map((p) => meter.push(Buffer.from(p))?.toString() ?? '');
    return [...out, meter.end()?.toString() ?? ''];
  };

  it('a filtered SSE stream hides the usage chunk and `"usage":null`, and still forwards an unterminated last event', () => {
    const reader = chatStreamReader(true);
    const parts = ['data: {"id":"a","choices":[{"index":0}],"usage":null}\n', '\ndata: {"id":"a","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\n', 'data: [DONE]'];
    expect(run(new SseMeter(reader, true), parts)).toEqual(['', 'data: {"id":"a","choices":[{"index":0}]}\n\n', '', 'data: [DONE]']);
    expect(reader.result().usage).toEqual({ input: 3, output: 2, cacheRead: undefined, reasoning: undefined });
  });

  it('an unfiltered SSE stream passes every chunk on unchanged, even one cut inside a UTF-8 character', () => {
    const reader = chatStreamReader(false);
    const text = 'data: {"id":"a","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"é"}}]}\n\ndata: {"id":"a","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\n';
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from('é')) + 1;
    const meter = new SseMeter(reader, false);
    const out = [meter.push(bytes.subarray(0, cut)), meter.push(bytes.subarray(cut))];
    expect(meter.end()).toBeUndefined();
    expect(Buffer.concat(out as Buffer[]).equals(bytes)).toBe(true);
    expect(reader.result()).toMatchObject({ model: 'gpt-4o-mini', usage: { input: 3, output: 2 } });
  });

  it('a JSON-array stream goes on chunk by chunk and is read once complete', () => {
    const parts = ['[{"usageMetadata":{"promptTokenCount":9,', '"candidatesTokenCount":4}}]'];
    const reader = generateContentStreamReader();
    expect(run(jsonArrayStream(reader), parts)).toEqual([...parts, '']);
    expect(reader.result().usage).toMatchObject({ input: 9, output: 4 });
  });

  it('a JSON answer is read once complete; one that is not JSON is forwarded and read as nothing', () => {
    const read: unknown[] = [];
    expect(run(new WholeBodyMeter((json) => read.push(json)), ['{"a":', '1}'])).toEqual(['{"a":', '1}', '']);
    expect(run(new WholeBodyMeter((json) => read.push(json)), ['<html>'])).toEqual(['<html>', '']);
    expect(read).toEqual([{ a: 1 }]);
  });
});
