/**
 * The resource half of attribution, computed once per resource: every span of a ResourceSpans
 * shares one resource object (decoded-span.ts), and scanning it for tags per span would cost more
 * than the rest of normalization. Decoded attribute maps are never mutated after decoding.
 */
import type { Attributes } from '../otlp/decoded-span.js';
import { stringOf, wholeStringOf } from './attribute-values.js';
import { collectTags, sortedTags } from './tags.js';

export interface ResourceAttribution {
  clientId: string;
  project: string;
  feature: string;
  app: string;
  environment: string;
  environmentLegacy: string;
  userId: string;
  userIdLegacy: string;
  unitKind: string;
  unitId: string;
  tagMap: ReadonlyMap<string, string>;
  tags: Array<[string, string]>;
}

export const UNIT_KIND_KEY = 'tokenledger.unit.kind';
export const UNIT_ID_KEY = 'tokenledger.unit.id';

const cache = new WeakMap<Attributes, ResourceAttribution>();
const NO_TAGS: ReadonlyMap<string, string> = new Map();

export function resourceAttribution(attributes: Attributes): ResourceAttribution {
  let found = cache.get(attributes);
  if (found === undefined) {
    found = compute(attributes);
    cache.set(attributes, found);
  }
  return found;
}

function compute(attributes: Attributes): ResourceAttribution {
  const tagMap = collectTags(attributes) ?? NO_TAGS;
  return {
    clientId: stringOf(attributes['tokenledger.client.id']) ?? '',
    project: stringOf(attributes['tokenledger.project']) ?? '',
    feature: stringOf(attributes['tokenledger.feature']) ?? '',
    app: stringOf(attributes['service.name']) ?? '',
    environment: stringOf(attributes['deployment.environment.name']) ?? '',
    environmentLegacy: stringOf(attributes['deployment.environment']) ?? '',
    userId: stringOf(attributes['user.id']) ?? '',
    userIdLegacy: stringOf(attributes['enduser.id']) ?? '',
    unitKind: wholeStringOf(attributes[UNIT_KIND_KEY]) ?? '',
    unitId: wholeStringOf(attributes[UNIT_ID_KEY]) ?? '',
    tagMap,
    tags: sortedTags(tagMap, undefined),
  };
}
