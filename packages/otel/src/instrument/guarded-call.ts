import { context } from '@opentelemetry/api';
import { getAttribution } from '../attribution/attribution.js';
import type { BudgetCall, BudgetGuard } from '../budget/budget-guard.js';

/**
 * Asks the budget guard first, then runs the call holding the reservation (`run` must call
 * `release` when the call ends). The guard answers asynchronously, so a guarded call returns a
 * Promise of the same value; it keeps `.withResponse()` / `.asResponse()`, which SDK helpers call
 * on `create()` (Anthropic's messages.stream() does).
 */
export function runGuarded(guard: BudgetGuard, call: BudgetCall, run: (release: () => void) => unknown): unknown {
  const ctx = context.active();
  // Boxed, so that the SDK's APIPromise inside is not unwrapped before its helpers are reached.
  const { client, project, feature } = getAttribution(ctx);
  const boxed = guard.acquire(client, { ...call, project, feature }).then((release) => ({ result: context.with(ctx, () => run(release)) }));
  const value = boxed.then((b) => b.result);
  // A caller that uses only withResponse() never awaits `value`; the rejection reaches it through
  // the helper, so it must not also surface as an unhandled rejection.
  value.catch(() => undefined);
  return Object.assign(value, {
    withResponse: () => boxed.then((b) => callHelper(b.result, 'withResponse')),
    asResponse: () => boxed.then((b) => callHelper(b.result, 'asResponse')),
  });
}

function callHelper(result: unknown, name: 'withResponse' | 'asResponse'): unknown {
  const helper = (result as Record<string, unknown> | null)?.[name];
  if (typeof helper !== 'function') throw new TypeError(`${name}() is not available on this call's result`);
  return (helper as () => unknown).call(result);
}
