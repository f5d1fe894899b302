/**
 * Who pays for a call, per design.md "Attribution": TokenLedger keys, span attribute over resource
 * attribute, then the operator's extra client keys (e.g. a Traceloop or Langfuse property) in order.
 * A call without a client is kept as unattributed (''), never dropped. Per-span only: inheriting
 * a client from an ancestor span is the settle stage's job (reference §9 rule 13).
 */
import type { Attributes, DecodedSpan } from '../otlp/decoded-span.js';
import { cap, MAX_TEXT_LENGTH, stringOf } from './attribute-values.js';
import type { Attribution, NormalizeOptions } from './normalized-call.js';

const CLIENT_KEY = 'tokenledger.client.id';
const TAG_PREFIX = 'tokenledger.tag.';
const MAX_TAGS = 64;
const MAX_TAG_NAME_LENGTH = 128;

interface Found {
  value: string;
  key: string;
}

export function resolveAttribution(span: DecodedSpan, options: NormalizeOptions): Attribution {
  const spanAttrs = span.attributes;
  const resourceAttrs = span.resource.attributes;
  const client = findClient(spanAttrs, resourceAttrs, options.extraClientKeys);
  return {
    clientId: client?.value ?? '',
    clientKey: client?.key ?? '',
    project: spanThenResource(spanAttrs, resourceAttrs, 'tokenledger.project'),
    feature: spanThenResource(spanAttrs, resourceAttrs, 'tokenledger.feature'),
    app: stringOf(resourceAttrs['service.name']) ?? '',
    environment:
      spanThenResource(spanAttrs, resourceAttrs, 'deployment.environment.name') ||
      spanThenResource(spanAttrs, resourceAttrs, 'deployment.environment'),
    userId: spanThenResource(spanAttrs, resourceAttrs, 'user.id') || spanThenResource(spanAttrs, resourceAttrs, 'enduser.id'),
    tags: collectTags(spanAttrs, resourceAttrs),
  };
}

function findClient(spanAttrs: Attributes, resourceAttrs: Attributes, extraKeys: readonly string[]): Found | undefined {
  const own = spanThenResource(spanAttrs, resourceAttrs, CLIENT_KEY);
  if (own !== '') return { value: own, key: CLIENT_KEY };
  for (const key of extraKeys) {
    const value = spanThenResource(spanAttrs, resourceAttrs, key);
    if (value !== '') return { value, key };
  }
  return undefined;
}

function spanThenResource(spanAttrs: Attributes, resourceAttrs: Attributes, key: string): string {
  return stringOf(spanAttrs[key]) ?? stringOf(resourceAttrs[key]) ?? '';
}

/** Resource tags first, span tags override by name; sorted by name so equal input stores equal rows. */
function collectTags(spanAttrs: Attributes, resourceAttrs: Attributes): Array<[string, string]> {
  const tags = new Map<string, string>();
  addTags(tags, resourceAttrs);
  addTags(tags, spanAttrs);
  if (tags.size === 0) return [];
  return [...tags].sort(byName).slice(0, MAX_TAGS);
}

function addTags(tags: Map<string, string>, attributes: Attributes): void {
  for (const key in attributes) {
    if (!key.startsWith(TAG_PREFIX) || key.length === TAG_PREFIX.length) continue;
    const value = stringOf(attributes[key]);
    if (value !== undefined) tags.set(cap(key.slice(TAG_PREFIX.length), MAX_TAG_NAME_LENGTH), cap(value, MAX_TEXT_LENGTH));
  }
}

function byName(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
