import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { getAttribution, trustBaggageClient, withAttribution } from './attribution.js';

let tracing: TestTracing;
beforeAll(() => {
  tracing = setupTracing();
});
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.exporter.reset());

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('withAttribution', () => {
  it('merges nested scopes: inner keys win, tags merge, the outer scope comes back after', () => {
    withAttribution({ client: 'acme', project: 'support', tags: { tier: 'gold', region: 'eu' } }, () => {
      withAttribution({ project: 'billing', feature: 'invoice', tags: { region: 'us' } }, () => {
        expect(getAttribution()).toEqual({
          client: 'acme',
          project: 'billing',
          feature: 'invoice',
          tags: { tier: 'gold', region: 'us' },
        });
      });
      expect(getAttribution()).toEqual({ client: 'acme', project: 'support', tags: { tier: 'gold', region: 'eu' } });
    });
    expect(getAttribution()).toEqual({});
  });

  it('keeps its scope across awaits and timers, and concurrent scopes stay apart', async () => {
    const seen = await Promise.all(
      ['acme', 'globex'].map((client) =>
        withAttribution({ client }, async () => {
          await tick();
          const afterAwait = getAttribution().client;
          const inTimer = await new Promise<string | undefined>((resolve) => setTimeout(() => resolve(getAttribution().client), 2));
          return [afterAwait, inTimer];
        }),
      ),
    );
    expect(seen).toEqual([
      ['acme', 'acme'],
      ['globex', 'globex'],
    ]);
  });

  it('returns what the function returns', async () => {
    expect(withAttribution({ client: 'a' }, () => 42)).toBe(42);
    await expect(withAttribution({ client: 'a' }, async () => 'done')).resolves.toBe('done');
  });

  it('stamps the keys on a span from another tracer started inside, via the span processor', () => {
    withAttribution({ client: 'acme', feature: 'search', tags: { plan: 'pro' } }, () => {
      trace.getTracer('ai').startSpan('ai.generateText.doGenerate', { attributes: { 'ai.model.id': 'gpt-4o' } }).end();
    });
    trace.getTracer('ai').startSpan('outside').end();
    expect(tracing.span('ai.generateText.doGenerate').attributes).toEqual({
      'ai.model.id': 'gpt-4o',
      'tokenledger.client.id': 'acme',
      'tokenledger.feature': 'search',
      'tokenledger.tag.plan': 'pro',
    });
    expect(tracing.span('outside').attributes).toEqual({});
  });

  it('injects the keys as W3C baggage into outgoing headers', () => {
    const headers: Record<string, string> = {};
    withAttribution({ client: 'acme corp', project: 'p/1', tags: { tier: 'gold' } }, () => {
      trace.getTracer('http').startActiveSpan('GET /x', (span) => {
        propagation.inject(context.active(), headers);
        span.end();
      });
    });
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const entries = Object.fromEntries(headers.baggage!.split(',').map((kv) => kv.split('=') as [string, string]));
    expect(entries).toEqual({
      'tokenledger.client.id': 'acme%20corp',
      'tokenledger.project': 'p%2F1',
      'tokenledger.tag.tier': 'gold',
    });
  });

  it('never lets a caller\'s baggage header name the paying client unless the app opts in', () => {
    const incoming = propagation.extract(context.active(), {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      baggage: 'tokenledger.client.id=victim,tokenledger.feature=chat',
    });
    expect(getAttribution(incoming)).toEqual({ feature: 'chat' });
    context.with(incoming, () => {
      trace.getTracer('svc').startSpan('public-endpoint').end();
      withAttribution({ project: 'bots' }, () => trace.getTracer('svc').startSpan('inner').end());
      withAttribution({ client: 'acme' }, () => expect(getAttribution()).toEqual({ client: 'acme', feature: 'chat' }));
    });
    expect(tracing.span('public-endpoint').attributes).toEqual({ 'tokenledger.feature': 'chat' });
    expect(tracing.span('inner').attributes).toEqual({ 'tokenledger.feature': 'chat', 'tokenledger.project': 'bots' });
  });

  it('reads the attribution a caller in another process sent in the baggage header, once trusted', () => {
    trustBaggageClient();
    onTestFinished(() => trustBaggageClient(false));
    const incoming = propagation.extract(context.active(), {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      baggage: 'tokenledger.client.id=acme,tokenledger.feature=chat,tokenledger.tag.team=ml%20ops,other=1',
    });
    expect(getAttribution(incoming)).toEqual({ client: 'acme', feature: 'chat', tags: { team: 'ml ops' } });
    context.with(incoming, () => {
      withAttribution({ project: 'bots' }, () => {
        trace.getTracer('svc').startSpan('downstream').end();
      });
    });
    expect(tracing.span('downstream').attributes).toEqual({
      'tokenledger.client.id': 'acme',
      'tokenledger.feature': 'chat',
      'tokenledger.project': 'bots',
      'tokenledger.tag.team': 'ml ops',
    });
    expect(tracing.span('downstream').spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('withAttribution({ unit })', () => {
  it('stamps tokenledger.unit.kind and .id on the spans inside; an inner unit replaces the outer one whole', () => {
    withAttribution({ client: 'globex', unit: { kind: 'article', id: 'a-17' } }, () => {
      trace.getTracer('ai').startSpan('draft').end();
      withAttribution({ unit: { kind: 'conversation', id: 'c-9' } }, () => trace.getTracer('ai').startSpan('reply').end());
      withAttribution({ feature: 'edit' }, () => trace.getTracer('ai').startSpan('edit').end());
    });
    expect(tracing.span('draft').attributes).toEqual({ 'tokenledger.client.id': 'globex', 'tokenledger.unit.kind': 'article', 'tokenledger.unit.id': 'a-17' });
    expect(tracing.span('reply').attributes).toEqual({ 'tokenledger.client.id': 'globex', 'tokenledger.unit.kind': 'conversation', 'tokenledger.unit.id': 'c-9' });
    expect(tracing.span('edit').attributes).toEqual({
      'tokenledger.client.id': 'globex',
      'tokenledger.feature': 'edit',
      'tokenledger.unit.kind': 'article',
      'tokenledger.unit.id': 'a-17',
    });
  });

  it('carries the unit in baggage both ways, and an inner unit without an id drops the outer id from baggage', () => {
    const headers: Record<string, string> = {};
    withAttribution({ unit: { kind: 'ticket', id: 'T 1' } }, () => {
      withAttribution({ unit: { kind: 'article', id: '' } }, () => propagation.inject(context.active(), headers));
    });
    expect(headers.baggage).toBe('tokenledger.unit.kind=article');
    const incoming = propagation.extract(context.active(), { baggage: 'tokenledger.unit.kind=ticket,tokenledger.unit.id=T%201' });
    expect(getAttribution(incoming)).toEqual({ unit: { kind: 'ticket', id: 'T 1' } });
  });
});
