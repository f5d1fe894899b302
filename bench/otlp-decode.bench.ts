/**
 * OTLP decoding throughput: our hand-written decoders against baselines measured in the same run.
 *   protobuf: decodeProtobufTraces vs protobufjs reflection decode of the same bytes with the OTLP
 *             schema (@opentelemetry/otlp-transformer >= 0.218 ships no request deserializer), both
 *             bare and followed by the mapping to our span shape (hex ids, bigint times, attribute
 *             maps) that a protobufjs-based receiver would need.
 *   json:     decodeJsonTraces vs JSON.parse alone (the floor any JSON decoder pays).
 * Figures are the median of 7 rounds of ~300 ms each, interleaved across decoders, after a warm-up.
 */
import { decodeJsonTraces, decodeProtobufTraces, type Attributes, type AttributeValue } from '../packages/receiver/src/otlp/index.js';
import { ExportTraceServiceRequest } from '../packages/receiver/src/otlp/fixtures/otlp-trace-schema.js';
import { sampleRequests } from '../packages/receiver/src/otlp/fixtures/sample-requests.js';

const SPANS = 500;
const ROUNDS = 7;
const ROUND_MS = 300;

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs reflection messages are untyped */
function anyValue(v: any): AttributeValue {
  if (v == null) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return typeof v.intValue === 'number' ? v.intValue : Number(v.intValue.toString());
  if (v.doubleValue != null) return v.doubleValue;
  if (v.arrayValue != null) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.bytesValue != null) return Buffer.from(v.bytesValue).toString('base64');
  return null;
}

function attributes(list: any[] | undefined): Attributes {
  const out: Attributes = Object.create(null) as Attributes;
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** protobufjs decode, then the same output our decoder gives (minus validation). */
function protobufjsToSpans(bytes: Uint8Array): unknown[] {
  const request: any = ExportTraceServiceRequest.decode(bytes);
  const spans: unknown[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = { attributes: attributes(rs.resource?.attributes) };
    for (const ss of rs.scopeSpans ?? []) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' };
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: Buffer.from(s.traceId).toString('hex'),
          spanId: Buffer.from(s.spanId).toString('hex'),
          parentSpanId: Buffer.from(s.parentSpanId).toString('hex'),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: BigInt(s.startTimeUnixNano.toString()),
          endTimeUnixNano: BigInt(s.endTimeUnixNano.toString()),
          statusCode: s.status?.code ?? 0,
          statusMessage: s.status?.message ?? '',
          attributes: attributes(s.attributes),
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function round(decode: () => unknown): number {
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    decode();
    n++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  } while (elapsed < ROUND_MS);
  return n / (elapsed / 1000);
}

/** Requests/s of each decoder, median of rounds interleaved so machine noise hits all of them alike. */
function measure(decoders: (() => unknown)[]): number[] {
  for (const decode of decoders) for (let i = 0; i < 50; i++) decode();
  const rates: number[][] = decoders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) decoders.forEach((decode, i) => rates[i]!.push(round(decode)));
  return rates.map((list) => list.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!);
}

function row(name: string, requestsPerSecond: number, bytes: number, baseline?: number): string {
  const spans = Math.round(requestsPerSecond * SPANS).toLocaleString('en-US');
  const mb = ((requestsPerSecond * bytes) / 1e6).toFixed(1);
  const vs = baseline ? `${(requestsPerSecond / baseline).toFixed(2)}x` : 'baseline';
  return `| ${name} | ${spans} | ${mb} | ${vs} |`;
}

export async function run(): Promise<void> {
  const { protobuf, json } = sampleRequests(SPANS);
  if (decodeProtobufTraces(protobuf).spans.length !== SPANS) throw new Error('fixture did not decode to 500 spans');
  if (decodeJsonTraces(json).spans.length !== SPANS) throw new Error('fixture did not decode to 500 spans');
  const jsonBytes = Buffer.byteLength(json);

  if (protobufjsToSpans(protobuf).length !== SPANS) throw new Error('baseline did not decode to 500 spans');
  const [pbjs, pbjsMapped, ours, parse, oursJson] = measure([
    () => ExportTraceServiceRequest.decode(protobuf),
    () => protobufjsToSpans(protobuf),
    () => decodeProtobufTraces(protobuf),
    () => JSON.parse(json),
    () => decodeJsonTraces(json),
  ]) as [number, number, number, number, number];

  console.log(`request: ${SPANS} spans, protobuf ${protobuf.length} bytes, json ${jsonBytes} bytes`);
  console.log('| decoder | spans/s | MB/s | vs baseline |');
  console.log('|---|---|---|---|');
  console.log(row('protobufjs reflection decode only (baseline)', pbjs, protobuf.length));
  console.log(row('protobufjs decode + map to DecodedSpan', pbjsMapped, protobuf.length, pbjs));
  console.log(row('decodeProtobufTraces', ours, protobuf.length, pbjs));
  console.log(row('JSON.parse only (baseline)', parse, jsonBytes));
  console.log(row('decodeJsonTraces', oursJson, jsonBytes, parse));
}
