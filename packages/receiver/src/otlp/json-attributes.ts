import type { AttributeCheck } from './attribute-check.js';
import type { AttributeValue, Attributes } from './decoded-span.js';
import { OtlpDecodeError } from './otlp-errors.js';
import { arrayAt, boolAt, doubleAt, fail, int64At, objectAt, stringAt } from './json-values.js';

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** `attributes: [{ key, value: AnyValue }]` into a null-prototype map; the last duplicate key wins. */
export function readJsonAttributes(list: unknown, path: string, attrs: Attributes, check: AttributeCheck): void {
  const items = arrayAt(list, path);
  for (let i = 0; i < items.length; i++) {
    const at = `${path}[${i}]`;
    const kv = objectAt(items[i], at);
    if (!kv) continue;
    const key = stringAt(kv.key, `${at}.key`);
    const value = readAnyValue(kv.value, `${at}.value`, check, 0);
    if (check.countOne() && check.fitsText(key, 'key')) attrs[key] = value;
  }
}

/**
 * AnyValue in JSON is an object with one of stringValue, boolValue, intValue, doubleValue,
 * arrayValue { values }, kvlistValue { values }, bytesValue (base64, per the proto3 mapping of bytes).
 * kvlists are stored as null (billing reads no maps) and not descended into.
 */
function readAnyValue(v: unknown, path: string, check: AttributeCheck, depth: number): AttributeValue {
  const any = objectAt(v, path);
  if (!any) return null;
  if (any.stringValue != null) {
    const s = stringAt(any.stringValue, `${path}.stringValue`);
    return check.fitsText(s, 'value') ? s : null;
  }
  if (any.boolValue != null) return boolAt(any.boolValue, `${path}.boolValue`);
  if (any.intValue != null) return int64At(any.intValue, `${path}.intValue`);
  if (any.doubleValue != null) return doubleAt(any.doubleValue, `${path}.doubleValue`);
  if (any.arrayValue != null) return readArray(any.arrayValue, `${path}.arrayValue`, check, depth + 1);
  if (any.kvlistValue != null) {
    objectAt(any.kvlistValue, `${path}.kvlistValue`);
    return null;
  }
  if (any.bytesValue != null) return readBytes(any.bytesValue, `${path}.bytesValue`, check);
  return null;
}

function readArray(v: unknown, path: string, check: AttributeCheck, depth: number): AttributeValue[] {
  if (depth > check.limits.maxAnyValueDepth) {
    throw new OtlpDecodeError(`invalid OTLP/JSON: ${path}: AnyValue arrays nested deeper than ${check.limits.maxAnyValueDepth}`);
  }
  const values = arrayAt(objectAt(v, path)?.values, `${path}.values`);
  const out: AttributeValue[] = new Array<AttributeValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = readAnyValue(values[i], `${path}.values[${i}]`, check, depth);
  return out;
}

/** Normalised to standard base64, the form the protobuf decoder produces for the same bytes. */
function readBytes(v: unknown, path: string, check: AttributeCheck): string | null {
  const s = stringAt(v, path);
  if (!BASE64.test(s) || s.replace(/=+$/, '').length % 4 === 1) fail(path, 'base64', v);
  const bytes = Buffer.from(s, 'base64');
  return check.fits(bytes.length, 'value') ? bytes.toString('base64') : null;
}

