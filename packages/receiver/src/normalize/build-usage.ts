/**
 * Turns a producer's raw token counts into the canonical `Usage`: input includes cache reads and
 * writes, output includes reasoning (OTel GenAI client-inference notes [28]; reference §9 rules 8-9).
 * Each dialect says which convention its producer used; this file does the arithmetic and the checks.
 */
import type { Usage } from './normalized-call.js';

export interface RawTokens {
  input?: number | undefined;
  output?: number | undefined;
  cacheRead?: number | undefined;
  /** cache writes with the default (5-minute) lifetime, or of unknown lifetime */
  cacheWrite?: number | undefined;
  /** Anthropic 1-hour cache writes */
  cacheWrite1h?: number | undefined;
  reasoning?: number | undefined;
  /** cross-check only; never billed */
  total?: number | undefined;
}

export interface TokenSemantics {
  /** false: the producer reported input without cache tokens (Anthropic's raw `input_tokens`) */
  inputIncludesCache: boolean;
  /** false: the producer reported output without reasoning (Gemini's `candidatesTokenCount`) */
  outputIncludesReasoning: boolean;
}

export const OTEL_SEMANTICS: TokenSemantics = Object.freeze({ inputIncludesCache: true, outputIncludesReasoning: true });

export type UsageResult = { ok: true; usage: Usage | null } | { ok: false; message: string };

const UNMETERED: UsageResult = Object.freeze({ ok: true, usage: null });

export function buildUsage(raw: RawTokens, semantics: TokenSemantics): UsageResult {
  const { input, output, cacheRead, cacheWrite, cacheWrite1h, reasoning } = raw;
  if (input === undefined && output === undefined && cacheRead === undefined && cacheWrite === undefined && cacheWrite1h === undefined && reasoning === undefined) {
    return UNMETERED;
  }
  const cached = cacheRead ?? 0;
  const written = cacheWrite ?? 0;
  const written1h = cacheWrite1h ?? 0;
  const reasoned = reasoning ?? 0;
  const inputTokens = (input ?? 0) + (semantics.inputIncludesCache ? 0 : cached + written + written1h);
  const outputTokens = (output ?? 0) + (semantics.outputIncludesReasoning ? 0 : reasoned);
  if (cached + written + written1h > inputTokens) {
    return { ok: false, message: `cache tokens (read ${cached}, write ${written + written1h}) exceed input tokens ${inputTokens}` };
  }
  if (reasoned > outputTokens) {
    return { ok: false, message: `reasoning tokens ${reasoned} exceed output tokens ${outputTokens}` };
  }
  return {
    ok: true,
    usage: { inputTokens, cachedInputTokens: cached, cacheWriteTokens: written, cacheWrite1hTokens: written1h, outputTokens, reasoningTokens: reasoned },
  };
}

/**
 * Reference §9 rule 9 test: when input + output + reasoning equals the reported total (±1) and
 * input + output does not, the output count left reasoning out.
 */
export function totalShowsReasoningExcluded(raw: RawTokens): boolean {
  const { input, output, reasoning, total } = raw;
  if (input === undefined || output === undefined || total === undefined || !reasoning) return false;
  return Math.abs(input + output + reasoning - total) <= 1 && Math.abs(input + output - total) > 1;
}
