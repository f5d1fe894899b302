import { z } from 'zod';

/**
 * Per-request limits the decoders enforce. A span over a limit is rejected (counted in the
 * partial-success answer), its neighbours are kept.
 *
 * Values over `maxAttributeValueBytes` reject the whole span rather than being truncated: billing
 * reads client ids and model names from attributes, and a silently cut value would bill the wrong
 * client or miss a price. A 16 KiB attribute on a GenAI span is also more likely abuse than data.
 */
export const decodeLimitsSchema = z.object({
  /** Spans past this count in one request are rejected without being decoded. */
  maxSpansPerRequest: z.number().int().positive().default(50_000),
  /** Applies to span attributes and to resource attributes (then every span of the resource is rejected). */
  maxAttributesPerSpan: z.number().int().positive().default(256),
  /** UTF-8 bytes of one attribute key or string value, or raw bytes of a bytes value; per array element. */
  maxAttributeValueBytes: z.number().int().positive().default(16 * 1024),
  /** Nesting of AnyValue arrays; deeper input is refused as undecodable (it is never real telemetry). */
  maxAnyValueDepth: z.number().int().positive().default(16),
});

export type DecodeLimits = z.infer<typeof decodeLimitsSchema>;

export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze(decodeLimitsSchema.parse({}));
