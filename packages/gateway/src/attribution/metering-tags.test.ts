import { describe, expect, it } from 'vitest';
import { attributionAttributes, readAttribution } from './metering-tags.js';

const from = (headers: Record<string, string>) => readAttribution((name) => headers[name]);

describe('readAttribution', () => {
  it('maps client, project, feature, env and user to the attribution keys and the rest to tags', () => {
    const a = from({ 'x-metering-tags': '{"client":"acme","project":"chatbot","feature":"faq","env":"production","user":"u-7","team":"support"}' });
    expect(attributionAttributes(a)).toEqual({
      'tokenledger.client.id': 'acme',
      'tokenledger.project': 'chatbot',
      'tokenledger.feature': 'faq',
      'deployment.environment.name': 'production',
      'user.id': 'u-7',
      'tokenledger.tag.team': 'support',
    });
  });

  it('reads X-TokenLedger-Client / -Project / -Feature; X-Metering-Tags wins where both name a field', () => {
    expect(from({ 'x-tokenledger-client': 'acme', 'x-tokenledger-project': 'kb', 'x-tokenledger-feature': 'search' })).toEqual({ client: 'acme', project: 'kb', feature: 'search', tags: {} });
    expect(from({ 'x-tokenledger-client': 'acme', 'x-metering-tags': '{"client":"globex"}' }).client).toBe('globex');
  });

  it('reads the unit from X-Metering-Tags unit_kind / unit_id or X-TokenLedger-Unit-Kind / -Unit-Id', () => {
    const tagged = from({ 'x-metering-tags': '{"client":"globex","unit_kind":"article","unit_id":"a-17"}' });
    expect(attributionAttributes(tagged)).toEqual({ 'tokenledger.client.id': 'globex', 'tokenledger.unit.kind': 'article', 'tokenledger.unit.id': 'a-17' });
    const headed = from({ 'x-tokenledger-unit-kind': 'ticket', 'x-tokenledger-unit-id': 'T-9', 'x-metering-tags': '{"unit_id":"T-10"}' });
    expect(attributionAttributes(headed)).toEqual({ 'tokenledger.unit.kind': 'ticket', 'tokenledger.unit.id': 'T-10' });
    expect(from({ 'x-metering-tags': '{"toString":"y"}' }).tags).toEqual({ toString: 'y' });
  });

  it('refuses a unit kind or id over 256 characters (the receiver would reject it, not cut it)', () => {
    expect(from({ 'x-metering-tags': `{"unit_id":"${'u'.repeat(256)}"}` }).unitId).toHaveLength(256);
    expect(() => from({ 'x-metering-tags': `{"unit_id":"${'u'.repeat(257)}"}` })).toThrow(expect.objectContaining({ status: 400, message: 'unit_id is longer than 256 characters' }));
    expect(() => from({ 'x-tokenledger-unit-kind': 'k'.repeat(257) })).toThrow(expect.objectContaining({ status: 400, message: 'unit_kind is longer than 256 characters' }));
  });

  it('a call without attribution headers is unattributed, not refused', () => {
    expect(attributionAttributes(from({}))).toEqual({});
  });

  it.each([
    ['{"client": acme', 'X-Metering-Tags: not valid JSON (expected an object of strings, e.g. {"client":"acme","feature":"faq"})'],
    ['["acme"]', 'X-Metering-Tags: expected a JSON object of strings'],
    ['"acme"', 'X-Metering-Tags: expected a JSON object of strings'],
    ['{"client": 7}', 'X-Metering-Tags: "client" is not a string'],
    ['{"bad name": "x"}', 'X-Metering-Tags: tag name "bad name": letters, digits and _ . - only, 1 to 128 characters'],
    [`{"note":"${'x'.repeat(1025)}"}`, 'X-Metering-Tags: "note" is longer than 1024 characters'],
    [`{"a":"${'x'.repeat(9000)}"}`, 'X-Metering-Tags: longer than 8192 bytes'],
  ])('refuses %s with a 400 naming the header', (header, message) => {
    expect(() => from({ 'x-metering-tags': header })).toThrow(expect.objectContaining({ code: 'bad_request', status: 400, message }));
  });
});
