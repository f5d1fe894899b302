import { describe, expect, it } from 'vitest';
import { parseProviderCsv } from './csv-import.js';

describe('parseProviderCsv', () => {
  it('reads the documented columns; optional ones may be left out or empty', () => {
    const rows = parseProviderCsv('\uFEFFday,model,cost_usd,input_tokens,requests,client_id\r\n2026-10-01,m1,"0.0000000015",12,,acme\r\n');
    expect(rows).toEqual([
      { day: '2026-10-01', kind: 'usage', provider_model: 'm1', project_id: '', api_key_id: '', line_item: '', input_tokens: 12, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 0, requests: null, cost_nanos: 2n, client_id: 'acme' },
    ]);
  });

  it('names the line and column of a bad value', () => {
    expect(() => parseProviderCsv('day,model,cost_usd\n2026-10-01,m,$5\n')).toThrow('line 2, column cost_usd: not a USD decimal: "$5"');
    expect(() => parseProviderCsv('day,model,cost_usd,output_tokens\n2026-10-01,m,5,-3\n')).toThrow('line 2, column output_tokens: not a whole number of tokens: "-3"');
    expect(() => parseProviderCsv('day,cost_usd\n')).toThrow('missing column model');
  });
});
