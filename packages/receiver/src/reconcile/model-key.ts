import { modelCandidates, type Pricer } from '@tokenledger/pricing';

/**
 * The model a reconciliation row is keyed by: the catalog model the pricing matcher resolves the
 * name to (an alias or a Bedrock/Vertex spelling meets its entry), shown without its snapshot
 * date, so `gpt-4o-2024-08-06` and `gpt-4o`, or `claude-sonnet-4-20250514` and
 * `claude-sonnet-4-0`, are one row. A name the catalog does not know is kept as written.
 */
export function reconcileModel(pricer: Pricer, provider: string, name: string): string {
  if (name === '') return '';
  const resolution = pricer.resolve(provider, name);
  const model = resolution.entry?.model ?? resolution.overrides[0]?.model;
  if (model === undefined) return name;
  // modelCandidates lists the names loosest last: the last one has the date dropped.
  return modelCandidates(model).candidates.at(-1) ?? model;
}

/** Memoised per (provider, name): a report resolves the same few names many times. */
export function modelResolver(pricer: Pricer): (provider: string, name: string) => string {
  const cache = new Map<string, string>();
  return (provider, name) => {
    const key = `${provider}\u0000${name}`;
    let model = cache.get(key);
    if (model === undefined) cache.set(key, (model = reconcileModel(pricer, provider, name)));
    return model;
  };
}
