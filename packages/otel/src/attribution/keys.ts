/** The attribution attribute keys: a public contract (shared/design.md, "Attribution"). */
export const ATTR_CLIENT_ID = 'tokenledger.client.id';
export const ATTR_PROJECT = 'tokenledger.project';
export const ATTR_FEATURE = 'tokenledger.feature';
export const ATTR_UNIT_KIND = 'tokenledger.unit.kind';
export const ATTR_UNIT_ID = 'tokenledger.unit.id';
export const ATTR_TAG_PREFIX = 'tokenledger.tag.';
