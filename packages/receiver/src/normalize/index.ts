export type { Attribution, NormalizeOptions, NormalizeOutcome, NormalizedCall } from './normalized-call.js';
export { normalizeSpan } from './normalize-span.js';
export { DIALECT_RULES, detectDialect } from './dialect-table.js';
export type { DialectRule, Extraction, ExtractedCall } from './dialect-rule.js';
export { spanClient } from './attribution.js';
export { callProblem, costProblem, DEFAULT_LIMITS, limitsSchema, plausibleStages, type PlausibilityLimits } from './plausibility.js';
