import { describe, expect, it } from 'vitest';
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
