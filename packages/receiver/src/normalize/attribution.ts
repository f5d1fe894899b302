/**
 * Who pays for a call, per design.md "Attribution": TokenLedger keys, span attribute over resource
 * attribute, then the operator's extra client keys (e.g. a Traceloop or Langfuse property) in order.
 * A call without a client is kept as unattributed (''), never dropped. Per-span only: inheriting
 * a client from an ancestor span is the settle stage's job (reference §9 rule 13).
 */
import type { Attributes, DecodedSpan } from '../otlp/decoded-span.js';
import { stringOf, wholeStringOf } from './attribute-values.js';
import type { Attribution, NormalizeOptions } from './normalized-call.js';
import { type ResourceAttribution, resourceAttribution, UNIT_ID_KEY, UNIT_KIND_KEY } from './resource-attribution.js';
import { collectTags, sortedTags } from './tags.js';

const CLIENT_KEY = 'tokenledger.client.id';

export function resolveAttribution(span: DecodedSpan, options: NormalizeOptions): Attribution {
  const own = span.attributes;
  const resource = resourceAttribution(span.resource.attributes);
  const [clientId, clientKey] = findClient(own, span.resource.attributes, resource, options.extraClientKeys);
  const spanTags = collectTags(own);
  return {
    clientId,
    clientKey,
    project: stringOf(own['tokenledger.project']) ?? resource.project,
    feature: stringOf(own['tokenledger.feature']) ?? resource.feature,
    app: resource.app,
    environment:
      stringOf(own['deployment.environment.name']) ?? (resource.environment || stringOf(own['deployment.environment']) || resource.environmentLegacy),
    userId: stringOf(own['user.id']) ?? (resource.userId || stringOf(own['enduser.id']) || resource.userIdLegacy),
    unitKind: wholeStringOf(own[UNIT_KIND_KEY]) ?? resource.unitKind,
    unitId: wholeStringOf(own[UNIT_ID_KEY]) ?? resource.unitId,
    tags: spanTags === undefined ? resource.tags.slice() : sortedTags(resource.tagMap, spanTags),
  };
}

/**
 * The client of any span, GenAI or not, with the key it came from: the settle stage lets a model
 * call inherit it from an ancestor (a middleware tags the HTTP server span; reference §8.2).
 */
export function spanClient(span: DecodedSpan, options: NormalizeOptions): [string, string] {
  return findClient(span.attributes, span.resource.attributes, resourceAttribution(span.resource.attributes), options.extraClientKeys);
}

function findClient(own: Attributes, resourceAttrs: Attributes, resource: ResourceAttribution, extraKeys: readonly string[]): [string, string] {
  const value = stringOf(own[CLIENT_KEY]) ?? resource.clientId;
  if (value !== '') return [value, CLIENT_KEY];
  for (const key of extraKeys) {
    const extra = stringOf(own[key]) ?? stringOf(resourceAttrs[key]);
    if (extra !== undefined) return [extra, key];
  }
  return ['', ''];
}
