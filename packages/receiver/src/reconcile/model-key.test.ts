import { createPricer, loadCatalog } from '@tokenledger/pricing';
import { describe, expect, it } from 'vitest';
import { reconcileModel } from './model-key.js';

const pricer = createPricer(loadCatalog({}));

describe('reconcileModel', () => {
  it('puts a dated snapshot and its alias on one model, shown without the date', () => {
    expect(['gpt-4o-2024-08-06', 'gpt-4o', 'GPT-4o'].map((m) => reconcileModel(pricer, 'openai', m))).toEqual(['gpt-4o', 'gpt-4o', 'gpt-4o']);
    expect(['claude-sonnet-4-20250514', 'claude-sonnet-4-0'].map((m) => reconcileModel(pricer, 'anthropic', m))).toEqual(['claude-sonnet-4', 'claude-sonnet-4']);
    expect(reconcileModel(pricer, 'openai', 'gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
  });

  it('keeps a name the catalog does not know as written', () => {
    expect(reconcileModel(pricer, 'openai', 'ft:gpt-4o:acme')).toBe('ft:gpt-4o:acme');
    expect(reconcileModel(pricer, 'openai', '')).toBe('');
  });
});
