import { trace, type TracerProvider } from '@opentelemetry/api';
import { toGuard, type BudgetGuard, type BudgetGuardOptions } from '../budget/budget-guard.js';
import { runCall, safely, type CallPlan, type Runtime } from './call-runner.js';

/** Options shared by instrumentOpenAI, instrumentAnthropic and instrumentGoogleGenAI. */
export interface InstrumentOptions {
  /** Default: the global provider (set by `register()` or your own SDK setup). */
  tracerProvider?: TracerProvider;
  /** Refuse calls for a hard-capped client over budget, before the provider is called. */
  budgetGuard?: BudgetGuard | BudgetGuardOptions;
  /** `gen_ai.provider.name`, for compatible endpoints (e.g. "azure.ai.openai", "groq"). */
  providerName?: string;
}

export const TRACER_NAME = '@tokenledger/otel';
export const TRACER_VERSION = '0.1.0';
const PATCHED = Symbol.for('tokenledger.otel.patched');

export function makeRuntime(options: InstrumentOptions): Runtime {
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  return {
    tracer: provider.getTracer(TRACER_NAME, TRACER_VERSION),
    guard: options.budgetGuard === undefined ? undefined : toGuard(options.budgetGuard),
  };
}


/**
 * Replaces `target[name]` on this instance only (an own property shadows the prototype), so
 * other clients of the same SDK stay untouched. Patching twice is a no-op.
 */
export function patchMethod(target: unknown, name: string, wrap: (original: AnyFn) => AnyFn): void {
  if (typeof target !== 'object' || target === null) return;
  const holder = target as Record<string, unknown>;
  const original = holder[name];
  if (typeof original !== 'function' || (original as { [PATCHED]?: boolean })[PATCHED] === true) return;
  const wrapped = wrap(original as AnyFn);
  Object.defineProperty(wrapped, PATCHED, { value: true });
  holder[name] = wrapped;
}

/** The property at `path` of `root`, or undefined. Duck typing: we never import the vendor SDKs. */
export function at(root: unknown, ...path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

type AnyFn = (this: unknown, ...args: unknown[]) => unknown;

/** A call to instrument: its plan and the arguments to send (possibly adjusted, never mutated). */
export interface PreparedCall {
  plan: CallPlan;
  args: unknown[];
}

/**
 * Builds a method wrapper. `prepare` returns undefined for calls we do not understand; those, and
 * any failure while preparing, go to the original method untouched.
 */
export function wrapWith(runtime: Runtime, prepare: (args: unknown[]) => PreparedCall | undefined) {
  return (original: AnyFn): AnyFn =>
    function (this: unknown, ...args: unknown[]) {
      const prepared = safely('prepare the call', () => prepare(args));
      if (prepared === undefined) return original.apply(this, args);
      return runCall(runtime, prepared.plan, () => original.apply(this, prepared.args));
    };
}
