import { StringDecoder } from 'node:string_decoder';
import type { StreamReader } from '@tokenledger/otel';
import { eventData, SseSplitter } from './sse-events.js';

export type StreamEnd = 'complete' | 'aborted' | 'failed';

/** A body read whole (a JSON answer, a Gemini JSON-array stream); larger than this it is forwarded but not metered. */
const MAX_WHOLE_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Reads usage from an upstream body as its chunks go by, synchronously, so a chunk is handed to
 * the caller's connection in the same turn it arrived in (nothing is queued here).
 */
export interface BodyMeter {
  /** What the caller gets for this upstream chunk: the chunk itself unless events are hidden; undefined for nothing yet. */
  push(chunk: Buffer): Buffer | undefined;
  /** Upstream ended: reads what is left and returns what the caller is still owed. */
  end(): Buffer | undefined;
}

/** An event's data as JSON; undefined for one that is not (keep-alives, `[DONE]`): it carries no usage to read. */
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

/**
 * A text/event-stream. Unfiltered, every upstream chunk goes on unchanged, byte for byte; filtered
 * (the OpenAI include_usage case), whole events go on, minus those the reader hides.
 */
export class SseMeter implements BodyMeter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly splitter = new SseSplitter();

  constructor(
    private readonly reader: StreamReader,
    /** Events may be hidden or rewritten: the caller's body differs from upstream's. */
    readonly filter: boolean,
  ) {}

  push(chunk: Buffer): Buffer | undefined {
    const events = this.splitter.push(this.decoder.write(chunk));
    if (!this.filter) {
      for (const event of events) observe(event, this.reader);
      return chunk;
    }
    let out = '';
    for (const event of events) if (observe(event, this.reader)) out += withoutNullUsage(event);
    return out === '' ? undefined : Buffer.from(out);
  }

  end(): Buffer | undefined {
    const rest = this.decoder.end() + this.splitter.rest();
    // An event without its closing blank line: unfiltered, its bytes already went on.
    if (rest === '' || !observe(rest, this.reader) || !this.filter) return undefined;
    return Buffer.from(withoutNullUsage(rest));
  }
}

/** A body parsed once complete (a JSON answer or a JSON-array stream); every chunk goes on unchanged as it arrives. */
export class WholeBodyMeter implements BodyMeter {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly onBody: (json: unknown) => void) {}

  push(chunk: Buffer): Buffer {
    if (this.size <= MAX_WHOLE_BODY_BYTES) {
      this.parts.push(chunk);
      this.size += chunk.length;
    }
    return chunk;
  }

  end(): undefined {
    const whole = this.size <= MAX_WHOLE_BODY_BYTES ? parse(Buffer.concat(this.parts, this.size).toString('utf8')) : undefined;
    this.parts = [];
    if (whole !== undefined) this.onBody(whole);
    return undefined;
  }
}

/** A Gemini stream without `alt=sse`: one JSON array of chunks. */
export const jsonArrayStream = (reader: StreamReader) =>
  new WholeBodyMeter((whole) => {
    for (const chunk of Array.isArray(whole) ? (whole as unknown[]) : [whole]) reader.onChunk(chunk);
  });
