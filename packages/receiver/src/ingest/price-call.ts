import type { Pricer, ServiceTier } from '@tokenledger/pricing';
import type { NormalizedCall } from '../normalize/index.js';
import type { CallCost } from './call-row.js';
import { callDate } from './call-row.js';

const TIERS = new Set<string>(['standard', 'batch', 'priority', 'flex']);

/**
 * Prices a call at its own timestamp. The response model (the dated snapshot that actually ran)
 * is tried first, then the requested alias: both name the same price unless a snapshot has a
 * price of its own.
 */
export function priceCall(pricer: Pricer): (call: NormalizedCall) => CallCost | null {
  return (call) => {
    if (!call.usage) return null;
    const serviceTier = TIERS.has(call.serviceTier) ? (call.serviceTier as ServiceTier) : undefined;
    for (const model of [call.responseModel, call.requestModel]) {
      if (!model) continue;
      const result = pricer.price({
        provider: call.provider,
        model,
        usage: call.usage,
        at: callDate(call),
        ...(serviceTier ? { serviceTier } : {}),
        ...(call.attribution.clientId ? { clientId: call.attribution.clientId } : {}),
      });
      if (result.priced) {
        const b = result.breakdown;
        return {
          priceKey: result.priceKey,
          inputNanos: b.inputNanos,
          cachedInputNanos: b.cachedInputNanos,
          cacheWriteNanos: b.cacheWriteNanos,
          outputNanos: b.outputNanos,
          totalNanos: result.totalNanos,
        };
      }
    }
    return null;
  };
}
