/** Shared, frozen outcomes: ignoring a span allocates nothing on the hot path. */
import type { NormalizeOutcome } from './normalized-call.js';

export type IgnoredOutcome = Extract<NormalizeOutcome, { kind: 'ignored' }>;
export type RejectedOutcome = Extract<NormalizeOutcome, { kind: 'rejected' }>;

export const NOT_GENAI: IgnoredOutcome = Object.freeze({ kind: 'ignored', reason: 'not_genai' });
export const NOT_MODEL_CALL: IgnoredOutcome = Object.freeze({ kind: 'ignored', reason: 'not_model_call' });

export function rejected(spanId: string, problem: string): RejectedOutcome {
  return { kind: 'rejected', message: `span ${spanId}: ${problem}` };
}
