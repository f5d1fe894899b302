/**
 * One trace as the settle stage sees it: every span it has a link for (or a call row), with its
 * parent and its own client. Spans that have not arrived yet are simply absent: a walk up stops
 * there, and a later run, once they are stored, finishes it.
 */
export interface TreeSpan {
  spanId: string;
  parentSpanId: string;
  spanKind: number;
  /** the span's own client ('' if none) and the key it came from */
  clientId: string;
  clientKey: string;
}

export class TraceTree {
  private readonly spans = new Map<string, TreeSpan>();
  private readonly children = new Map<string, string[]>();

  constructor(spans: Iterable<TreeSpan>) {
    for (const span of spans) {
      const known = this.spans.get(span.spanId);
      // A call row and a link row describe the same span; keep whichever names a client.
      if (!known || (known.clientId === '' && span.clientId !== '')) this.spans.set(span.spanId, { ...span, spanKind: span.spanKind || known?.spanKind || 0 });
    }
    for (const span of [...this.spans.values()].sort((a, b) => (a.spanId < b.spanId ? -1 : 1))) {
      if (span.parentSpanId === '' || !this.spans.has(span.parentSpanId)) continue;
      const list = this.children.get(span.parentSpanId) ?? [];
      list.push(span.spanId);
      this.children.set(span.parentSpanId, list);
    }
  }

  get(spanId: string): TreeSpan | undefined {
    return this.spans.get(spanId);
  }

  childrenOf(spanId: string): readonly string[] {
    return this.children.get(spanId) ?? [];
  }

  /** Spans whose parent is unknown or absent, in span_id order: where post-order walks start. */
  roots(): string[] {
    return [...this.spans.values()]
      .filter((s) => s.parentSpanId === '' || !this.spans.has(s.parentSpanId))
      .map((s) => s.spanId)
      .sort();
  }

  /** Ancestors from the parent up; stops at a span not stored (yet) and at a cycle (bad ids). */
  *ancestors(spanId: string): Generator<TreeSpan> {
    const seen = new Set([spanId]);
    let current = this.spans.get(this.spans.get(spanId)?.parentSpanId ?? '');
    while (current && !seen.has(current.spanId)) {
      seen.add(current.spanId);
      yield current;
      current = this.spans.get(current.parentSpanId);
    }
  }

  depth(spanId: string): number {
    let n = 0;
    for (const _ of this.ancestors(spanId)) n++;
    return n;
  }
}
