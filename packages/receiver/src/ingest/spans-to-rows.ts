import type { DecodeResult, DecodedSpan } from '../otlp/decoded-span.js';
import type { NormalizeOutcome, NormalizedCall } from '../normalize/index.js';
import { dateTimeText } from '../rows/date-time-text.js';
import type { CallRow } from '../rows/llm-call-row.js';
import type { SpanLinkRow } from '../rows/span-link-row.js';
import { toCallRow, type CallCost } from './call-row.js';
import { toLinkRow } from './span-link.js';

/** What became of each span of a request; every span lands in exactly one outcome. */
export const SPAN_OUTCOMES = ['billed', 'unpriced', 'unmetered', 'ignored', 'rejected'] as const;
export type SpanOutcome = (typeof SPAN_OUTCOMES)[number];

/** Takes each call row as it is made (the receiver encodes it at once: see pending-calls.ts). */
export interface CallSink {
  add(row: CallRow): void;
}

export interface IngestBatch {
  /** One per span that is not a call, when the stages resolve span clients: the settle stage's tree. */
  links: SpanLinkRow[];
  counts: Record<SpanOutcome, number>;
  /** Distinct reasons, for the OTLP partial-success error_message. */
  rejectionMessages: string[];
  /** Sum over billed rows of (received - span end), for the ingest-lag health figure. */
  lagMsSum: number;
}

export interface IngestStages {
  normalize(span: DecodedSpan): NormalizeOutcome;
  price(call: NormalizedCall): CallCost | null;
  /** The client of any span and its key; without it no link rows are made (settle then has no tree). */
  spanClient?(span: DecodedSpan): [string, string];
}

export function emptyCounts(): Record<SpanOutcome, number> {
  return { billed: 0, unpriced: 0, unmetered: 0, ignored: 0, rejected: 0 };
}

/** decode → normalize → price: turns one decoded request into call rows for `calls`, counting every span. */
export function spansToRows(decoded: DecodeResult, stages: IngestStages, receivedAt: Date, calls: CallSink): IngestBatch {
  const counts = emptyCounts();
  counts.rejected = decoded.rejected;
  const messages = new Set(decoded.rejectionMessages);
  const links: SpanLinkRow[] = [];
  const receivedText = dateTimeText(receivedAt);
  let lagMsSum = 0;
  for (const span of decoded.spans) {
    const outcome = stages.normalize(span);
    // A call's row already holds its place in the trace; every other span gets a link row.
    if (stages.spanClient && outcome.kind !== 'call') links.push(toLinkRow(span, stages.spanClient(span), receivedText));
    if (outcome.kind === 'ignored') {
      counts.ignored++;
    } else if (outcome.kind === 'rejected') {
      counts.rejected++;
      messages.add(outcome.message);
    } else {
      const call = outcome.call;
      const cost = call.usage ? stages.price(call) : null;
      const kind = call.usage === null ? 'unmetered' : cost ? 'billed' : 'unpriced';
      counts[kind]++;
      calls.add(toCallRow(call, cost, receivedText));
      if (kind === 'billed') lagMsSum += Math.max(0, receivedAt.getTime() - Number(span.endTimeUnixNano / 1_000_000n));
    }
  }
  return { links, counts, rejectionMessages: [...messages].slice(0, 10), lagMsSum };
}
