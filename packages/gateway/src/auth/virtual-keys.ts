import { createHash, timingSafeEqual } from 'node:crypto';
import type { VirtualKeyConfig } from '../config/gateway-config.js';

export interface VirtualKey {
  client: string;
  rpm: number | undefined;
  /** A stable, non-secret handle for rate limits: the index in the config, never the key. */
  slot: number;
}

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The configured virtual keys, kept only as sha256 digests. A presented key is hashed and compared
 * with every digest by `timingSafeEqual`, without stopping at a match, so the time taken says
 * nothing about which key (or how much of one) matched.
 */
export class VirtualKeys {
  private readonly entries: { digest: Buffer; key: VirtualKey }[];

  constructor(keys: readonly VirtualKeyConfig[]) {
    this.entries = keys.map((k, slot) => ({ digest: Buffer.from(k.keySha256, 'hex'), key: { client: k.client, rpm: k.rpm, slot } }));
  }

  /** No keys configured: callers' own provider keys are forwarded untouched. */
  get passThrough(): boolean {
    return this.entries.length === 0;
  }

  find(presented: string): VirtualKey | undefined {
    const digest = sha256(presented);
    let found: VirtualKey | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.key;
    }
    return found;
  }
}
