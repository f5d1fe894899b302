import { OtlpDecodeError } from './otlp-errors.js';

/*
 * Scalar rules of the proto3 JSON mapping (https://protobuf.dev/programming-guides/json/) as OTLP
 * uses them (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding"). `null` means
 * "field absent" in proto3 JSON, so every reader maps null and undefined to the default value.
 * A value of the wrong JSON type is not our schema: the request is refused as undecodable, the
 * same as a wrong wire type in protobuf.
 */

export type JsonObject = Record<string, unknown>;

export function fail(path: string, expected: string, value: unknown): never {
  const got = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  throw new OtlpDecodeError(`invalid OTLP/JSON: ${path} must be ${expected}, got ${got}`);
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectAt(v: unknown, path: string): JsonObject | undefined {
  if (v == null) return undefined;
  return isObject(v) ? v : fail(path, 'an object', v);
}

export function arrayAt(v: unknown, path: string): unknown[] {
  if (v == null) return [];
  return Array.isArray(v) ? v : fail(path, 'an array', v);
}

export function stringAt(v: unknown, path: string): string {
  if (v == null) return '';
  return typeof v === 'string' ? v : fail(path, 'a string', v);
}

/**
 * Enums. The OTLP spec says senders MUST use integers; we also take the enum's name, because the
 * stock proto3 JSON printers (Go protojson, Java JsonFormat) print names unless told otherwise.
 */
export function enumAt(v: unknown, path: string, names: readonly string[]): number {
  if (v == null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) return v;
  if (typeof v === 'string' && names.includes(v)) return names.indexOf(v);
  return fail(path, 'an integer enum value', v);
}

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** fixed64 timestamps: a decimal string (what the mapping prints) or a non-negative integer number. */
export function uint64At(v: unknown, path: string): bigint {
  if (v == null) return 0n;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
    const n = BigInt(v);
    if (n <= UINT64_MAX) return n;
  }
  return fail(path, 'a uint64 (decimal string or integer)', v);
}

/** int64 attribute values: a number when safe, else the exact decimal string (design: never lose digits). */
export function int64At(v: unknown, path: string): number | string {
  if (typeof v === 'number' && Number.isInteger(v)) {
    return Number.isSafeInteger(v) ? v : BigInt(v).toString();
  }
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) {
    const n = BigInt(v);
    if (n >= INT64_MIN && n <= INT64_MAX) {
      const num = Number(n);
      return Number.isSafeInteger(num) ? num : n.toString();
    }
  }
  return fail(path, 'an int64 (decimal string or integer)', v);
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

export function doubleAt(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = SPECIAL_DOUBLES[v];
    if (special !== undefined) return special;
    if (v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return fail(path, 'a double', v);
}

export function boolAt(v: unknown, path: string): boolean {
  return typeof v === 'boolean' ? v : fail(path, 'a boolean', v);
}

/** Ids are hex in OTLP/JSON (not base64), case-insensitive. Returns lowercase hex, or undefined if not hex. */
export function hexIdAt(v: unknown, path: string): string | undefined {
  const s = stringAt(v, path);
  return /^[0-9a-fA-F]*$/.test(s) && s.length % 2 === 0 ? s.toLowerCase() : undefined;
}
