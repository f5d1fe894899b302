import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_UPSTREAMS, parseGatewayConfig } from './gateway-config.js';

const KEY = 'ab'.repeat(32);

describe('parseGatewayConfig', () => {
  it('defaults: pass-through on loopback, port 4000, the providers own APIs, 5 s budget staleness', () => {
    expect(parseGatewayConfig(undefined, {})).toEqual({
      host: '127.0.0.1',
      port: 4000,
      receiverUrl: 'http://127.0.0.1:4318',
      ingestToken: undefined,
      apiToken: undefined,
      upstreams: DEFAULT_UPSTREAMS,
      keys: [],
      providerKeys: {},
      budgetMaxAgeMs: 5000,
      budgetUnavailable: 'refuse_hard_capped',
      replicas: 1,
      drainMs: 30_000,
    });
  });

  it('env overrides the receiver URL; virtual keys listen beyond loopback; an empty variable is unset', () => {
    const config = parseGatewayConfig(
      { receiver_url: 'http://file:4318', upstreams: { openai: { base_url: 'http://proxy.internal/v1/' } }, keys: [{ client: 'acme', key_sha256: KEY.toUpperCase(), rpm: 60 }] },
      { TOKENLEDGER_RECEIVER_URL: 'http://env:4318/', OPENAI_API_KEY: 'sk-real', ANTHROPIC_API_KEY: '', TOKENLEDGER_RECEIVER_API_TOKEN: 'api' },
      8080,
    );
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080, receiverUrl: 'http://env:4318', apiToken: 'api', providerKeys: { openai: 'sk-real' } });
    expect(config.upstreams.openai).toBe('http://proxy.internal/v1');
    expect(config.keys).toEqual([{ client: 'acme', keySha256: KEY, rpm: 60 }]);
  });

  it('refuses what cannot work, naming the key', () => {
    expect(() => parseGatewayConfig({ keys: [{ client: 'acme', key_sha256: KEY }, { client: 'globex', key_sha256: KEY }] }, { OPENAI_API_KEY: 'k' })).toThrow('gateway: keys.1.key_sha256: the same key is listed twice');
    expect(() => parseGatewayConfig({ receiver_url: 'not a url' }, {})).toThrow(/^gateway: receiver_url: /);
    expect(() => parseGatewayConfig({}, { TOKENLEDGER_RECEIVER_URL: 'nope' })).toThrow(/^environment: TOKENLEDGER_RECEIVER_URL: /);
  });

  it('replicas share each key rpm: from the file or TOKENLEDGER_GATEWAY_REPLICAS; a key with fewer rpm than replicas is refused', () => {
    const keys = [{ client: 'acme', key_sha256: KEY, rpm: 3 }];
    expect(parseGatewayConfig({ keys, replicas: 2 }, { OPENAI_API_KEY: 'k' }).replicas).toBe(2);
    expect(parseGatewayConfig({ keys, replicas: 2 }, { OPENAI_API_KEY: 'k', TOKENLEDGER_GATEWAY_REPLICAS: '3' }).replicas).toBe(3);
    expect(() => parseGatewayConfig({ keys }, { OPENAI_API_KEY: 'k', TOKENLEDGER_GATEWAY_REPLICAS: '4' })).toThrow('gateway: keys.0.rpm: 3 is fewer than the 4 replicas that share it');
    expect(() => parseGatewayConfig({}, { TOKENLEDGER_GATEWAY_REPLICAS: '0' })).toThrow(/^environment: TOKENLEDGER_GATEWAY_REPLICAS: an integer from 1 to 999/);
    expect(() => parseGatewayConfig({ replicas: 0 }, {})).toThrow(/^gateway: replicas: /);
  });

  it('accepts every gateway: example in docs/gateway.md', () => {
    const doc = readFileSync(new URL('../../../../docs/gateway.md', import.meta.url), 'utf8');
    const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!) as { gateway?: unknown }).filter((y) => y.gateway !== undefined);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) expect(() => parseGatewayConfig(example.gateway, { OPENAI_API_KEY: 'k' })).not.toThrow();
  });
});
