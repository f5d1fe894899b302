import { describe, expect, it } from 'vitest';
import { sha256, VirtualKeys } from './virtual-keys.js';

const digest = (key: string) => sha256(key).toString('hex');

describe('VirtualKeys', () => {
  const keys = new VirtualKeys([
    { client: 'acme', keySha256: digest('tl-acme-1'), rpm: 600 },
    { client: 'globex', keySha256: digest('tl-globex-1'), rpm: undefined },
  ]);

  it('finds the client of a presented key by its sha256', () => {
    expect(keys.find('tl-acme-1')).toEqual({ client: 'acme', rpm: 600, slot: 0 });
    expect(keys.find('tl-globex-1')).toEqual({ client: 'globex', rpm: undefined, slot: 1 });
  });

  it('knows no key that is a prefix, an extension or the digest itself', () => {
    for (const wrong of ['tl-acme-', 'tl-acme-11', digest('tl-acme-1'), '']) expect(keys.find(wrong)).toBeUndefined();
  });

  it('is in pass-through mode only without keys', () => {
    expect(keys.passThrough).toBe(false);
    expect(new VirtualKeys([]).passThrough).toBe(true);
  });
});
