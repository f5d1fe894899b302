import type { Attributes } from '@opentelemetry/api';
import { attributionToAttributes } from '@tokenledger/otel';
import { GatewayError } from '../errors.js';

/** Who pays for a call and what for, as the gateway read it from the request. */
export interface CallAttribution {
  client?: string;
  project?: string;
  feature?: string;
  env?: string;
  user?: string;
  /** the business unit (tokenledger.unit.kind / .id; docs/billing.md "Units") */
  unitKind?: string;
  unitId?: string;
  tags: Record<string, string>;
}

const TAGS_HEADER = 'x-metering-tags';
type Named = 'client' | 'project' | 'feature' | 'env' | 'user' | 'unitKind' | 'unitId';
/** X-Metering-Tags names that are fields, not free tags. */
const NAMED: Record<string, Named> = { client: 'client', project: 'project', feature: 'feature', env: 'env', user: 'user', unit_kind: 'unitKind', unit_id: 'unitId' };
/** The X-TokenLedger-* header of each field that has one. */
const FIELD_HEADERS = [
  ['client', 'x-tokenledger-client'],
  ['project', 'x-tokenledger-project'],
  ['feature', 'x-tokenledger-feature'],
  ['unitKind', 'x-tokenledger-unit-kind'],
  ['unitId', 'x-tokenledger-unit-id'],
] as const;
/** Far above any real tag set, far below what would bloat a span or a stored row. */
const MAX_HEADER_BYTES = 8192;
const MAX_VALUE_CHARS = 1024;
const TAG_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
/**
 * The receiver rejects a longer unit kind or id (limits.max_unit_length, default 256) rather than
 * cut it; refused here, before the upstream call, so no call is made that could not be billed.
 */
const MAX_UNIT_CHARS = 256;

const bad = (message: string) => new GatewayError('bad_request', `X-Metering-Tags: ${message}`, 400);

function parseTagsHeader(text: string): Record<string, string> {
  if (Buffer.byteLength(text) > MAX_HEADER_BYTES) throw bad(`longer than ${MAX_HEADER_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not valid JSON (expected an object of strings, e.g. {"client":"acme","feature":"faq"})');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('expected a JSON object of strings');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!TAG_NAME.test(name)) throw bad(`tag name ${JSON.stringify(name.slice(0, 64))}: letters, digits and _ . - only, 1 to 128 characters`);
    if (typeof value !== 'string') throw bad(`"${name}" is not a string`);
    if (value.length > MAX_VALUE_CHARS) throw bad(`"${name}" is longer than ${MAX_VALUE_CHARS} characters`);
    out[name] = value;
  }
  return out;
}

type HeaderGetter = (name: string) => string | undefined | null;

/**
 * `X-Metering-Tags` (a JSON object: client, project, feature, env, user, unit_kind, unit_id,
 * anything else a tag) or `X-TokenLedger-Client` / `-Project` / `-Feature` / `-Unit-Kind` /
 * `-Unit-Id`; the JSON header wins where both name a field.
 * A malformed header is a 400, never a silently unattributed call.
 */
export function readAttribution(header: HeaderGetter): CallAttribution {
  const result: CallAttribution = { tags: {} };
  for (const [field, name] of FIELD_HEADERS) {
    const value = header(name);
    if (value !== undefined && value !== null && value !== '') result[field] = value;
  }
  const raw = header(TAGS_HEADER);
  if (raw !== undefined && raw !== null) {
    for (const [name, value] of Object.entries(parseTagsHeader(raw))) {
      const field = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
      if (field) result[field] = value;
      else result.tags[name] = value;
    }
  }
  for (const [field, name] of [['unitKind', 'unit_kind'], ['unitId', 'unit_id']] as const) {
    if ((result[field]?.length ?? 0) > MAX_UNIT_CHARS) throw new GatewayError('bad_request', `${name} is longer than ${MAX_UNIT_CHARS} characters`, 400);
  }
  return result;
}

/** The attribution as span attributes: the SDK's keys, plus the environment and end user (design.md "Attribution"). */
export function attributionAttributes(a: CallAttribution): Attributes {
  const { env, user, unitKind, unitId, ...paying } = a;
  const out = attributionToAttributes(unitKind || unitId ? { ...paying, unit: { kind: unitKind ?? '', id: unitId ?? '' } } : paying);
  if (env) out['deployment.environment.name'] = env;
  if (user) out['user.id'] = user;
  return out;
}
