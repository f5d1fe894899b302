/** `tokenledger.tag.<name>` attributes -> sorted [name, value] pairs (design.md "Attribution"). */
import type { Attributes } from '../otlp/decoded-span.js';
import { cap, MAX_TEXT_LENGTH, stringOf } from './attribute-values.js';

const TAG_PREFIX = 'tokenledger.tag.';
const MAX_TAGS = 64;
const MAX_TAG_NAME_LENGTH = 128;

/** The tags on one attribute map, or undefined when it has none (the common case, no allocation). */
export function collectTags(attributes: Attributes): Map<string, string> | undefined {
  let tags: Map<string, string> | undefined;
  for (const key in attributes) {
    if (key.length <= TAG_PREFIX.length || !key.startsWith(TAG_PREFIX)) continue;
    const value = stringOf(attributes[key]);
    if (value === undefined) continue;
    tags ??= new Map();
    tags.set(cap(key.slice(TAG_PREFIX.length), MAX_TAG_NAME_LENGTH), cap(value, MAX_TEXT_LENGTH));
  }
  return tags;
}

/** Resource tags overridden by span tags of the same name; sorted by name so equal input stores equal rows. */
export function sortedTags(resource: ReadonlyMap<string, string>, span: ReadonlyMap<string, string> | undefined): Array<[string, string]> {
  // Tags on the span alone are the usual case: no merged map to build, no copy to cut.
  const merged = span === undefined ? resource : resource.size === 0 ? span : new Map([...resource, ...span]);
  if (merged.size === 0) return [];
  const tags = [...merged];
  if (tags.length > 1) tags.sort(byName);
  return tags.length > MAX_TAGS ? tags.slice(0, MAX_TAGS) : tags;
}

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
