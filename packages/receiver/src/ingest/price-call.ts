import type { PriceRequest, Pricer, ServiceTier, Usage } from '@tokenledger/pricing';
import type { NormalizedCall } from '../normalize/index.js';
import type { CallCost } from './call-row.js';
import { callDate } from './call-row.js';

const TIERS = new Set<string>(['standard', 'batch', 'priority', 'flex']);

/** What pricing needs of a call, whether it comes from a fresh span or a stored row. */
export interface PriceInput {
  provider: string;
  requestModel: string;
  responseModel: string;
  usage: Usage;
  at: Date;
  serviceTier: string;
  clientId: string;
}

/**
 * Prices a call at its own timestamp. The response model (the dated snapshot that actually ran)
 * is tried first, then the requested alias: both name the same price unless a snapshot has a
 * price of its own.
 */
export function priceUsage(pricer: Pricer, input: PriceInput): CallCost | null {
  // One request for both tries, its optional fields set only when present (as the pricer expects).
  const request: PriceRequest = { provider: input.provider, model: '', usage: input.usage, at: input.at };
  if (TIERS.has(input.serviceTier)) request.serviceTier = input.serviceTier as ServiceTier;
  if (input.clientId) request.clientId = input.clientId;
  return priceModel(pricer, request, input.responseModel) ?? priceModel(pricer, request, input.requestModel);
}

function priceModel(pricer: Pricer, request: PriceRequest, model: string): CallCost | null {
  if (!model) return null;
  request.model = model;
  const result = pricer.price(request);
  if (!result.priced) return null;
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

/** The ingest stage: prices a normalized call; unmetered calls have nothing to price. */
export function priceCall(pricer: Pricer): (call: NormalizedCall) => CallCost | null {
  return (call) =>
    call.usage
      ? priceUsage(pricer, {
          provider: call.provider,
          requestModel: call.requestModel,
          responseModel: call.responseModel,
          usage: call.usage,
          at: callDate(call),
          serviceTier: call.serviceTier,
          clientId: call.attribution.clientId,
        })
      : null;
}
