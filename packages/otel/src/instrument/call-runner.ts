import { context, diag, trace, type Tracer } from '@opentelemetry/api';
import type { BudgetGuard } from '../budget/budget-guard.js';
import { runGuarded } from './guarded-call.js';
import { setErrorAttributes, setResponseAttributes, startGenAiSpan, type GenAiRequest, type GenAiResponse } from './genai-span.js';
import { isAsyncIterable, observeStreamInPlace } from './wrap-stream.js';

/** How to read one kind of call's result; every method is called inside try/catch. */
export interface CallPlan {
  request: GenAiRequest;
  /** A non-streamed result. */
  readResult(result: unknown): GenAiResponse;
  /** A streamed result: a fresh reader per stream. */
  readStream?: () => StreamReader;
}

export interface StreamReader {
  /** Returns false to hide the chunk from the caller. */
  onChunk(chunk: unknown): boolean;
  result(): GenAiResponse;
}

export interface Runtime {
  tracer: Tracer;
  guard: BudgetGuard | undefined;
}

export function safely<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    diag.warn(`tokenledger: could not ${what}`, error);
    return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Runs one provider call under a GenAI span. The host call is never changed by a recording
 * failure: the original return value (e.g. OpenAI's APIPromise with `.withResponse()`) goes back
 * to the caller as it is, and we only observe it.
 */
export function runCall(runtime: Runtime, plan: CallPlan, invoke: () => unknown): unknown {
  if (runtime.guard === undefined) return runObserved(runtime.tracer, plan, invoke, undefined);
  return runGuarded(runtime.guard, plan.request, (release) => runObserved(runtime.tracer, plan, invoke, release));
}

function runObserved(tracer: Tracer, plan: CallPlan, invoke: () => unknown, release: (() => void) | undefined): unknown {
  const ctx = context.active();
  const span = safely('start a span', () => startGenAiSpan(tracer, plan.request, ctx));
  let finished = false;
  const finish = (response: GenAiResponse | undefined, error?: unknown) => {
    if (finished) return;
    finished = true;
    if (release !== undefined) safely('release the budget reservation', release);
    if (span === undefined) return;
    safely('record the response', () => {
      if (response !== undefined) setResponseAttributes(span, response, plan.request.provider);
      if (error !== undefined) setErrorAttributes(span, error);
    });
    safely('end a span', () => span.end());
  };
  let result: unknown;
  try {
    result = span === undefined ? invoke() : context.with(trace.setSpan(ctx, span), invoke);
  } catch (error) {
    finish(undefined, error);
    throw error;
  }
  if (isThenable(result)) {
    result.then(
      (value) => onValue(plan, value, finish),
      (error: unknown) => finish(undefined, error),
    );
  } else {
    onValue(plan, result, finish);
  }
  return result;
}

type Finish = (response: GenAiResponse | undefined, error?: unknown) => void;

function onValue(plan: CallPlan, value: unknown, finish: Finish): void {
  if (plan.request.stream && plan.readStream !== undefined && isAsyncIterable(value)) {
    const reader = safely('start reading a stream', plan.readStream);
    if (reader !== undefined) {
      const observed = safely('observe a stream', () => {
        observeStreamInPlace(value, {
          onChunk: (chunk) => reader.onChunk(chunk),
          onEnd: (error) => finish(safely('read the stream result', () => reader.result()), error),
        });
        return true;
      });
      if (observed === true) return;
    }
    finish(undefined);
    return;
  }
  finish(safely('read the result', () => plan.readResult(value)));
}
