/**
 * What one trace's calls should say once the trace is known (reference §9 rules 3, 4 and 13):
 * the client (own, else inherited from the nearest ancestor that has one) and whether the call
 * repeats another call's usage. Pure and order-free: the same spans give the same answer, so two
 * settle runs, or two receivers, write the same content.
 */
import { TraceTree, type TreeSpan } from './trace-tree.js';

/** The fields of a stored call the decisions read. */
export interface SettleCall {
  span_id: string;
  parent_span_id: string;
  client_id: string;
  client_key: string;
  response_id: string;
  metered: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  reasoning_tokens: number;
}

export interface CallDecision {
  clientId: string;
  clientKey: string;
  duplicateOf: string;
}

/** client_key of a client taken from another span: `inherited:<the key that matched there>`. */
export const INHERITED = 'inherited:';

/** The call's own client: what the span or its resource said, not what a settle run filled in. */
export function ownClient(call: Pick<SettleCall, 'client_id' | 'client_key'>): [string, string] {
  return call.client_key.startsWith(INHERITED) ? ['', ''] : [call.client_id, call.client_key];
}

export function planTrace(links: readonly TreeSpan[], calls: readonly SettleCall[]): Map<string, CallDecision> {
  const fromCalls = calls.map((c): TreeSpan => {
    const [clientId, clientKey] = ownClient(c);
    return { spanId: c.span_id, parentSpanId: c.parent_span_id, spanKind: 0, clientId, clientKey };
  });
  const tree = new TraceTree([...links, ...fromCalls]);
  const byId = new Map(calls.map((c) => [c.span_id, c]));
  const duplicateOf = sameResponse(tree, calls);
  nestedRepeats(tree, byId, duplicateOf);
  const decisions = new Map<string, CallDecision>();
  for (const call of calls) {
    const [clientId, clientKey] = clientOf(tree, call, duplicateOf, byId);
    decisions.set(call.span_id, { clientId, clientKey, duplicateOf: duplicateOf.get(call.span_id) ?? '' });
  }
  return decisions;
}

/** Rule 13: own client, else the nearest ancestor's, else (for a kept call) a repeat's own. */
function clientOf(tree: TraceTree, call: SettleCall, duplicateOf: Map<string, string>, byId: Map<string, SettleCall>): [string, string] {
  const own = ownClient(call);
  if (own[0] !== '') return own;
  for (const ancestor of tree.ancestors(call.span_id)) {
    if (ancestor.clientId !== '') return [ancestor.clientId, INHERITED + ancestor.clientKey];
  }
  // Two instrumentations of one HTTP call may sit side by side, and only one may carry the client.
  const repeats = [...duplicateOf].filter(([, kept]) => kept === call.span_id).map(([id]) => byId.get(id)!).sort(bySpanId);
  for (const repeat of repeats) {
    const [id, key] = ownClient(repeat);
    if (id !== '') return [id, INHERITED + key];
  }
  return ['', ''];
}

const bySpanId = (a: SettleCall, b: SettleCall) => (a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0);

/** How much a call says about its cache and reasoning: the one that says more prices exactly. */
function detail(c: SettleCall): number {
  return [c.cached_input_tokens, c.cache_write_tokens, c.cache_write_1h_tokens, c.reasoning_tokens].filter((n) => Number(n) > 0).length;
}

/**
 * Rule 3: one call per (trace, response id). Kept: metered over unmetered, then the one with more
 * cache/reasoning detail (the official OpenAI instrumentation reports no cached tokens and would
 * bill them at the full rate), then the deepest, then a CLIENT span, then the lowest span_id.
 */
function sameResponse(tree: TraceTree, calls: readonly SettleCall[]): Map<string, string> {
  const groups = new Map<string, SettleCall[]>();
  for (const call of calls) {
    if (call.response_id === '') continue;
    const group = groups.get(call.response_id) ?? [];
    group.push(call);
    groups.set(call.response_id, group);
  }
  const duplicateOf = new Map<string, string>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const rank = (c: SettleCall) => [Number(c.metered), detail(c), tree.depth(c.span_id), tree.get(c.span_id)?.spanKind === 3 ? 1 : 0];
    const [kept] = [...group].sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
      return bySpanId(a, b);
    });
    for (const call of group) if (call !== kept) duplicateOf.set(call.span_id, kept!.span_id);
  }
  return duplicateOf;
}

/**
 * Rule 4: an ancestor call is a repeat when a billed descendant has its (input, output), or when
 * its nearest billed descendants add up to at least its usage (within 1%: an agent span carrying
 * its children's totals). Decided bottom-up, so a chain of wrappers collapses onto the leaf.
 * One exception keeps the money exact: of two equal calls, the one reporting cache detail wins.
 */
function nestedRepeats(tree: TraceTree, byId: Map<string, SettleCall>, duplicateOf: Map<string, string>): void {
  const visited = new Set<string>();
  const billed = (id: string) => byId.has(id) && !duplicateOf.has(id) && Number(byId.get(id)!.metered) === 1;
  const nearestBilled = (id: string, seen = new Set([id])): string[] =>
    tree.childrenOf(id).flatMap((child) => {
      if (seen.has(child)) return [];
      seen.add(child);
      return billed(child) ? [child] : nearestBilled(child, seen);
    });
  const visit = (id: string): void => {
    if (visited.has(id)) return;
    visited.add(id);
    for (const child of tree.childrenOf(id)) visit(child);
    if (!billed(id)) return;
    const call = byId.get(id)!;
    const below = nearestBilled(id).map((d) => byId.get(d)!).sort(bySpanId);
    if (below.length === 0) return;
    const same = below.find((d) => Number(d.input_tokens) === Number(call.input_tokens) && Number(d.output_tokens) === Number(call.output_tokens));
    const input = below.reduce((n, d) => n + Number(d.input_tokens), 0);
    const output = below.reduce((n, d) => n + Number(d.output_tokens), 0);
    const covers = input * 100 >= Number(call.input_tokens) * 99 && output * 100 >= Number(call.output_tokens) * 99;
    // Equal usage, but the wrapper reports the cache and the leaf does not (the official OpenAI
    // instrumentation never reports cached tokens): bill the wrapper, which prices exactly.
    if (same && detail(call) > detail(same)) duplicateOf.set(same.span_id, id);
    else if (same) duplicateOf.set(id, same.span_id);
    else if (covers) duplicateOf.set(id, below[0]!.span_id);
  };
  for (const root of tree.roots()) visit(root);
  for (const id of [...byId.keys()].sort()) visit(id); // spans caught in a parent cycle (malformed ids)
}
