import type { AttributeCheck } from './attribute-check.js';
import type { AttributeValue, Attributes } from './decoded-span.js';
import type { ProtoReader } from './proto-reader.js';

/**
 * KeyValue / AnyValue from opentelemetry/proto/common/v1/common.proto:
 *   KeyValue { string key = 1; AnyValue value = 2; }
 *   AnyValue oneof { string_value = 1; bool_value = 2; int64 int_value = 3; double double_value = 4;
 *                    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
 *   ArrayValue { repeated AnyValue values = 1; }
 * kvlist values are skipped by length (billing reads no maps) and stored as null.
 */

/** Reads one length-delimited KeyValue (the reader is just past its tag) into `attrs`. */
export function readKeyValue(r: ProtoReader, attrs: Attributes, check: AttributeCheck, store: boolean): void {
  const end = r.lengthEnd();
  const outer = r.limit;
  r.limit = end;
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expectLen(tag, 'KeyValue.key');
      const e = r.lengthEnd();
      key = check.fits(e - r.pos, 'key') ? r.text(r.pos, e) : '';
      r.pos = e;
    } else if (tag >>> 3 === 2) {
      r.expectLen(tag, 'KeyValue.value');
      value = readAnyValue(r, check, 0);
    } else {
      r.skip(tag);
    }
  }
  r.limit = outer;
  if (store) attrs[key] = value;
}

function readAnyValue(r: ProtoReader, check: AttributeCheck, depth: number): AttributeValue {
  const end = r.lengthEnd();
  const outer = r.limit;
  r.limit = end;
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag >>> 3) {
      case 1: {
        r.expectLen(tag, 'AnyValue.string_value');
        const e = r.lengthEnd();
        value = check.fits(e - r.pos, 'value') ? r.text(r.pos, e) : null;
        r.pos = e;
        break;
      }
      case 2:
        r.expectVarint(tag, 'AnyValue.bool_value');
        value = r.uint32() !== 0;
        break;
      case 3:
        r.expectVarint(tag, 'AnyValue.int_value');
        value = r.int64();
        break;
      case 4:
        r.expectFixed64(tag, 'AnyValue.double_value');
        value = r.double();
        break;
      case 5:
        r.expectLen(tag, 'AnyValue.array_value');
        value = readArray(r, check, depth + 1);
        break;
      case 6:
        r.expectLen(tag, 'AnyValue.kvlist_value');
        r.skip(tag);
        value = null;
        break;
      case 7: {
        r.expectLen(tag, 'AnyValue.bytes_value');
        const e = r.lengthEnd();
        value = check.fits(e - r.pos, 'value') ? r.base64(r.pos, e) : null;
        r.pos = e;
        break;
      }
      default:
        r.skip(tag);
    }
  }
  r.limit = outer;
  return value;
}

function readArray(r: ProtoReader, check: AttributeCheck, depth: number): AttributeValue[] {
  if (depth > check.limits.maxAnyValueDepth) throw r.error(`AnyValue arrays nested deeper than ${check.limits.maxAnyValueDepth}`);
  const end = r.lengthEnd();
  const outer = r.limit;
  r.limit = end;
  const values: AttributeValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag >>> 3 === 1) {
      r.expectLen(tag, 'ArrayValue.values');
      values.push(readAnyValue(r, check, depth));
    } else {
      r.skip(tag);
    }
  }
  r.limit = outer;
  return values;
}
