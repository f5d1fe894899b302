import { readTsvFields, TsvWriter } from '../clickhouse/tsv-rows.js';
import { CALL_COLUMNS, writeCallRow, type CallRow, type StoredCall } from '../rows/llm-call-row.js';
import type { CallSink } from './spans-to-rows.js';

/**
 * A call accepted from a request and waiting for its batch: its TabSeparated line, a range of
 * one buffer per request, and the few fields the already-stored check and the plugins read.
 */
export interface PendingCall extends StoredCall {
  lines: Buffer;
  readonly start: number;
  readonly end: number;
}

const BYTES_PER_CALL = 512;
/** What a pending call points at until its request's buffer is final. */
const EMPTY = Buffer.alloc(0);

/**
 * Encodes each call row the moment it is made, then lets it go. Rows kept until their batch is
 * inserted outlive V8's young generation, which then allocates the next ones in the old one:
 * measured, this cost a fifth of the receiver's CPU. What is kept is one buffer per request and
 * a small object per call.
 */
export class PendingCallEncoder implements CallSink {
  private readonly writer: TsvWriter;
  private readonly calls: PendingCall[] = [];

  constructor(expectedCalls = 0) {
    this.writer = new TsvWriter(Math.max(1, expectedCalls) * BYTES_PER_CALL);
  }

  add(row: CallRow): void {
    const start = this.writer.length;
    writeCallRow(this.writer, row);
    this.calls.push({
      timestamp: row.timestamp,
      trace_id: row.trace_id,
      span_id: row.span_id,
      client_id: row.client_id,
      // For scoped budgets (billing/scope-spend.ts).
      project: row.project,
      feature: row.feature,
      app: row.app,
      provider: row.provider,
      request_model: row.request_model,
      response_model: row.response_model,
      cost_nanos: row.cost_nanos,
      priced: row.priced,
      metered: row.metered,
      lines: EMPTY,
      start,
      end: this.writer.length,
    });
  }

  /** The calls added, each pointing into the request's final buffer. */
  finish(): PendingCall[] {
    const lines = this.writer.bytes();
    for (const call of this.calls) call.lines = lines;
    return this.calls;
  }
}

export function pendingCalls(rows: readonly CallRow[]): PendingCall[] {
  const encoder = new PendingCallEncoder(rows.length);
  for (const row of rows) encoder.add(row);
  return encoder.finish();
}

/** The lines of `calls`, in order, as one insert body: one copy per run of adjacent lines. */
export function pendingCallsTsv(calls: readonly PendingCall[]): Buffer {
  let size = 0;
  for (const c of calls) size += c.end - c.start;
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < calls.length; ) {
    const { lines, start } = calls[i]!;
    let end = calls[i]!.end;
    for (i++; i < calls.length && calls[i]!.lines === lines && calls[i]!.start === end; i++) end = calls[i]!.end;
    pos += lines.copy(out, pos, start, end);
  }
  return out;
}

const column = (name: (typeof CALL_COLUMNS)[number]) => CALL_COLUMNS.indexOf(name);
const STORED_FIELDS = (['timestamp', 'trace_id', 'span_id', 'client_id', 'project', 'feature', 'app', 'provider', 'request_model', 'response_model', 'cost_nanos'] as const).map((name) => [name, column(name)] as const);
const [PRICED, METERED] = [column('priced'), column('metered')];

/** The calls of lines written by PendingCallEncoder (a journal entry's), pointing into `lines`. */
export function pendingCallsFromLines(lines: Buffer): PendingCall[] {
  const calls: PendingCall[] = [];
  for (let start = 0; start < lines.length; ) {
    const lf = lines.indexOf(0x0a, start);
    const end = lf < 0 ? lines.length : lf + 1;
    const fields = readTsvFields(lines.toString('utf8', start, lf < 0 ? end : lf));
    const call = Object.fromEntries(STORED_FIELDS.map(([name, i]) => [name, fields[i] ?? ''])) as Omit<StoredCall, 'priced' | 'metered'>;
    calls.push({ ...call, priced: fields[PRICED] === '1' ? 1 : 0, metered: fields[METERED] === '1' ? 1 : 0, lines, start, end });
    start = end;
  }
  return calls;
}
