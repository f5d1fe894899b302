import { describe, expect, it } from 'vitest';
import { resolveAttribution } from './attribution.js';
import { buildSpan } from './testing/span-builder.js';

const none = { extraClientKeys: [] };
const extra = { extraClientKeys: ['traceloop.association.properties.customer_id', 'langfuse.trace.metadata.client'] };

describe('resolveAttribution', () => {
  it('reads every TokenLedger key, span attribute over resource attribute', () => {
    const span = buildSpan({
      attributes: { 'tokenledger.client.id': 'acme', 'tokenledger.feature': 'summarize', 'user.id': 'u-1', 'tokenledger.tag.team': 'search', 'tokenledger.unit.id': 'a-17' },
      resource: {
        'tokenledger.unit.kind': 'article',
        'tokenledger.unit.id': 'a-1',
        'tokenledger.client.id': 'globex',
        'tokenledger.project': 'onboarding',
        'tokenledger.feature': 'chat',
        'service.name': 'support-api',
        'deployment.environment.name': 'production',
        'tokenledger.tag.team': 'platform',
        'tokenledger.tag.region': 'eu',
      },
    });
    expect(resolveAttribution(span, none)).toEqual({
      clientId: 'acme',
      clientKey: 'tokenledger.client.id',
      project: 'onboarding',
      feature: 'summarize',
      app: 'support-api',
      environment: 'production',
      userId: 'u-1',
      unitKind: 'article',
      unitId: 'a-17',
      tags: [
        ['region', 'eu'],
        ['team', 'search'],
      ],
    });
  });

  it('prefers the resource tokenledger.client.id over any extra key on the span', () => {
    const span = buildSpan({ attributes: { 'traceloop.association.properties.customer_id': 'cust-9' }, resource: { 'tokenledger.client.id': 'acme' } });
    expect(resolveAttribution(span, extra)).toMatchObject({ clientId: 'acme', clientKey: 'tokenledger.client.id' });
  });

  it('tries the extra keys in order, each on the span and then the resource, and records the key', () => {
    const first = buildSpan({ attributes: { 'langfuse.trace.metadata.client': 'lf' }, resource: { 'traceloop.association.properties.customer_id': 'tl' } });
    const second = buildSpan({ attributes: { 'langfuse.trace.metadata.client': 'lf' } });
    expect([first, second].map((span) => resolveAttribution(span, extra))).toMatchObject([
      { clientId: 'tl', clientKey: 'traceloop.association.properties.customer_id' },
      { clientId: 'lf', clientKey: 'langfuse.trace.metadata.client' },
    ]);
  });

  it('leaves a call without a client unattributed, never dropped', () => {
    expect(resolveAttribution(buildSpan(), extra)).toEqual({
      clientId: '',
      clientKey: '',
      project: '',
      feature: '',
      app: '',
      environment: '',
      userId: '',
      unitKind: '',
      unitId: '',
      tags: [],
    });
  });

  it('skips empty values and falls back to the legacy environment and end-user keys', () => {
    const span = buildSpan({
      attributes: { 'tokenledger.client.id': '', 'enduser.id': 'legacy-user' },
      resource: { 'tokenledger.client.id': 'acme', 'deployment.environment': 'staging' },
    });
    expect(resolveAttribution(span, none)).toMatchObject({ clientId: 'acme', environment: 'staging', userId: 'legacy-user' });
  });

  it('coerces numbers and booleans to strings and ignores arrays', () => {
    const span = buildSpan({ attributes: { 'tokenledger.client.id': 4711, 'tokenledger.tag.beta': true, 'tokenledger.project': ['a', 'b'] } });
    expect(resolveAttribution(span, none)).toMatchObject({ clientId: '4711', project: '', tags: [['beta', 'true']] });
  });

  it('keeps unit kinds and ids whole, for the plausibility limits to judge instead of cutting two ids into one', () => {
    const span = buildSpan({ attributes: { 'tokenledger.unit.kind': 'k'.repeat(300), 'tokenledger.unit.id': 7 } });
    expect(resolveAttribution(span, none)).toMatchObject({ unitKind: 'k'.repeat(300), unitId: '7' });
  });

  it('caps long values without splitting a surrogate pair', () => {
    const span = buildSpan({ attributes: { 'tokenledger.client.id': 'x'.repeat(255) + '😀' + 'y'.repeat(50), 'tokenledger.feature': 'f'.repeat(1000) } });
    const attribution = resolveAttribution(span, none);
    expect([attribution.clientId, attribution.feature.length]).toEqual(['x'.repeat(255), 256]);
  });

  it('keeps hostile tag names as plain data', () => {
    const attributes = JSON.parse('{"tokenledger.tag.__proto__":"p","tokenledger.tag.constructor":"c","tokenledger.tag.":"empty-name"}') as Record<string, string>;
    const span = buildSpan({ attributes });
    expect(resolveAttribution(span, none).tags).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
  });

  it('keeps at most 64 tags', () => {
    const attributes = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`tokenledger.tag.t${String(i).padStart(2, '0')}`, 'v']));
    expect(resolveAttribution(buildSpan({ attributes }), none).tags).toHaveLength(64);
  });
});
