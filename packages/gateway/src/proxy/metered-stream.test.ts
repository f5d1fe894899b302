import { describe, expect, it } from 'vitest';
import { chatStreamReader, generateContentStreamReader } from '@tokenledger/otel';
import { meterStream } from './metered-stream.js';
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
  });

  it('joins data lines and reads both "data:" spellings', () => {
    expect(eventData('event: e\ndata: one\ndata:two\n\n')).toBe('one\ntwo');
    expect(eventData(': comment\n\n')).toBeUndefined();
  });
});

describe('meterStream', () => {
  const stream = (parts: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
  const read = async (body: ReadableStream<Uint8Array>) => new Response(body).text();

  it('a filtered stream hides the usage chunk and `"usage":null`, and still forwards an unterminated last event', async () => {
    const reader = chatStreamReader(true);
    const ends: string[] = [];
    const body = meterStream(stream(['data: {"id":"a","choices":[{"index":0}],"usage":null}\n', '\ndata: {"id":"a","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}\n\n', 'data: [DONE]']), {
      reader,
      filter: true,
      sse: true,
      onEnd: (end) => ends.push(end),
    });
    expect(await read(body)).toBe('data: {"id":"a","choices":[{"index":0}]}\n\ndata: [DONE]');
    expect(ends).toEqual(['complete']);
    expect(reader.result().usage).toEqual({ input: 3, output: 2, cacheRead: undefined, reasoning: undefined });
  });

  it('an unfiltered stream passes every chunk through unchanged and reads a JSON-array stream once complete', async () => {
    const parts = ['[{"usageMetadata":{"promptTokenCount":9,', '"candidatesTokenCount":4}}]'];
    const reader = generateContentStreamReader();
    expect(await read(meterStream(stream(parts), { reader, filter: false, sse: false, onEnd: () => undefined }))).toBe(parts.join(''));
    expect(reader.result().usage).toMatchObject({ input: 9, output: 4 });
  });
});
