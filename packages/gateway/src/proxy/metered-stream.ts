import type { StreamReader } from '@tokenledger/otel';
import { eventData, SseSplitter } from './sse-events.js';

export type StreamEnd = 'complete' | 'aborted' | 'failed';

/** A JSON-array stream (Gemini without `alt=sse`) is parsed once complete; larger than this, it is not metered. */
const MAX_JSON_STREAM_CHARS = 32 * 1024 * 1024;

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Feeds one event to the reader; false when the caller must not see it. */
function observe(event: string, reader: StreamReader): boolean {
  const data = eventData(event);
  if (data === undefined || data === '[DONE]') return true;
  const chunk = parse(data);
  return chunk === undefined ? true : reader.onChunk(chunk) !== false;
}

/**
 * `include_usage` adds `"usage":null` to every chunk but the last; a caller that did not ask gets
 * the chunk without it. OpenAI writes compact JSON, and inside a JSON string the quotes would be
 * escaped, so the text matches only the key itself.
 */
const withoutNullUsage = (event: string) => event.replace(/,"usage":null(?=[,}])|"usage":null,/, '');

export interface MeterStreamOptions {
  reader: StreamReader;
  /** SSE events may be hidden or rewritten (the OpenAI include_usage case): forwarded per event. */
  filter: boolean;
  sse: boolean;
  onEnd(end: StreamEnd, error?: unknown): void;
}

/**
 * Forwards an upstream body as it arrives, reading usage on the side. Pull-based with no queue
 * of its own: a chunk is read from upstream only when the caller's connection takes one, and a
 * caller that goes away cancels the upstream body (which aborts the upstream request).
 * Unfiltered streams pass each upstream chunk on unchanged, byte for byte.
 */
export function meterStream(body: ReadableStream<Uint8Array>, options: MeterStreamOptions): ReadableStream<Uint8Array> {
  const upstream = body.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const splitter = new SseSplitter();
  let json = '';
  let ended = false;
  const end = (how: StreamEnd, error?: unknown) => {
    if (ended) return;
    ended = true;
    options.onEnd(how, error);
  };
  /** Reads what the stream ended with; returns the text a filtered stream still owes the caller. */
  const finish = (): string => {
    const rest = decoder.decode() + splitter.rest();
    let owed = '';
    if (options.sse && rest !== '' && observe(rest, options.reader)) owed = options.filter ? withoutNullUsage(rest) : '';
    if (!options.sse) {
      const parsed = parse(json + rest);
      for (const chunk of Array.isArray(parsed) ? parsed : [parsed]) if (chunk !== undefined) options.reader.onChunk(chunk);
    }
    end('complete');
    return owed;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          let next: Awaited<ReturnType<typeof upstream.read>>;
          try {
            next = await upstream.read();
          } catch (error) {
            end((error as Error).name === 'AbortError' ? 'aborted' : 'failed', error);
            controller.error(error);
            return;
          }
          if (next.done) {
            const owed = finish();
            if (owed !== '') controller.enqueue(encoder.encode(owed));
            controller.close();
            return;
          }
          const text = decoder.decode(next.value, { stream: true });
          if (!options.sse) {
            if (json.length < MAX_JSON_STREAM_CHARS) json += text;
            controller.enqueue(next.value);
            return;
          }
          const events = splitter.push(text);
          if (!options.filter) {
            for (const event of events) observe(event, options.reader);
            controller.enqueue(next.value);
            return;
          }
          let out = '';
          for (const event of events) if (observe(event, options.reader)) out += withoutNullUsage(event);
          if (out !== '') {
            controller.enqueue(encoder.encode(out));
            return;
          }
        }
      },
      cancel(reason) {
        end('aborted', reason);
        return upstream.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
