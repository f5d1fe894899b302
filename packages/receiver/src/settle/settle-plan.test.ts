import { describe, expect, it } from 'vitest';
import { planTrace, type SettleCall } from './settle-plan.js';
import type { TreeSpan } from './trace-tree.js';

function call(id: string, parent: string, input: number, output: number, extra: Partial<SettleCall> = {}): SettleCall {
  return { span_id: id, parent_span_id: parent, client_id: '', client_key: '', response_id: '', metered: 1, input_tokens: input, output_tokens: output, cached_input_tokens: 0, cache_write_tokens: 0, cache_write_1h_tokens: 0, reasoning_tokens: 0, ...extra };
}
const link = (id: string, parent: string, clientId = '', clientKey = ''): TreeSpan => ({ spanId: id, parentSpanId: parent, spanKind: 1, clientId, clientKey });
const decisions = (links: TreeSpan[], calls: SettleCall[]) => Object.fromEntries([...planTrace(links, calls)].map(([id, d]) => [id, [d.clientId, d.clientKey, d.duplicateOf]]));

describe('planTrace', () => {
  it('collapses a chain of wrappers with the same usage onto the leaf', () => {
    expect(decisions([link('w', '')], [call('a', 'w', 100, 10), call('b', 'a', 100, 10), call('c', 'b', 100, 10)])).toEqual({
      a: ['', '', 'c'],
      b: ['', '', 'c'],
      c: ['', '', ''],
    });
  });

  it('drops an ancestor whose descendants add up to its usage within 1%, not one they fall short of', () => {
    expect(decisions([], [call('agent', '', 1000, 100), call('x', 'agent', 600, 60), call('y', 'agent', 395, 40)])['agent']![2]).toBe('x');
    expect(decisions([], [call('agent', '', 1000, 100), call('x', 'agent', 600, 60), call('y', 'agent', 300, 40)])['agent']![2]).toBe('');
  });

  it('never lets an unmetered child make its parent a repeat', () => {
    expect(decisions([], [call('p', '', 100, 10), call('c', 'p', 0, 0, { metered: 0 })])).toEqual({ p: ['', '', ''], c: ['', '', ''] });
  });

  it('keeps, of one response id, the call that reports the cache, and gives it a repeat\'s client', () => {
    const a = call('a', 'root', 2006, 300, { response_id: 'chatcmpl-1', client_id: 'acme', client_key: 'tokenledger.client.id' });
    const b = call('b', 'root', 2006, 300, { response_id: 'chatcmpl-1', cached_input_tokens: 1920 });
    expect(decisions([link('root', '')], [a, b])).toEqual({ a: ['acme', 'tokenledger.client.id', 'b'], b: ['acme', 'inherited:tokenledger.client.id', ''] });
  });

  it('inherits from the nearest ancestor with a client and ignores a client a previous run filled in', () => {
    const links = [link('http', '', 'acme', 'tokenledger.client.id'), link('job', 'http', 'globex', 'customer.id')];
    const child = call('c', 'job', 10, 1, { client_id: 'stale', client_key: 'inherited:tokenledger.client.id' });
    expect(decisions(links, [child])).toEqual({ c: ['globex', 'inherited:customer.id', ''] });
  });

  it('gives the same answer whatever the order of the spans, and survives a parent cycle', () => {
    const calls = [call('a', 'b', 100, 10), call('b', 'a', 100, 10), call('c', 'x', 5, 1, { response_id: 'r' }), call('d', 'x', 5, 1, { response_id: 'r' })];
    const links = [link('x', '')];
    const forward = decisions(links, calls);
    expect(decisions([...links].reverse(), [...calls].reverse())).toEqual(forward);
    expect(forward['c']![2]).toBe('');
    expect(forward['d']![2]).toBe('c');
  });
});
