/** What both OpenLLMetry/Traceloop generations share (reference §3). */
import type { DecodedSpan } from '../../otlp/decoded-span.js';
import { readString } from '../attribute-values.js';

export const TRACELOOP_SCOPE_PREFIX = '@traceloop/';

/** Decorator spans (workflow, task, agent, tool, session) carry no usage of their own (§3.4). */
const WRAPPER_KINDS: ReadonlySet<string> = new Set(['workflow', 'task', 'agent', 'tool', 'session']);

export function isTraceloopWrapper(span: DecodedSpan): boolean {
  const kind = readString(span.attributes, 'traceloop.span.kind');
  return kind !== undefined && WRAPPER_KINDS.has(kind);
}

/**
 * The OpenAI instrumentation never reads usage from a Chat Completions stream; counts on a streamed
 * chat span can only come from `enrichTokens`, i.e. local tiktoken (§3.3). Responses API streams
 * do report usage and carry a cache-read count, so a span with one is not flagged (heuristic).
 */
export function isTraceloopEstimate(span: DecodedSpan, operation: string, metered: boolean, cacheRead: number | undefined): boolean {
  if (!metered || operation !== 'chat' || cacheRead !== undefined) return false;
  if (span.scope.name !== '@traceloop/instrumentation-openai') return false;
  const attributes = span.attributes;
  return attributes['gen_ai.request.stream'] === true || attributes['llm.is_streaming'] === true;
}
