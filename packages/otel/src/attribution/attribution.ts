import { context, createContextKey, propagation, type Attributes, type Context } from '@opentelemetry/api';
import { ATTR_CLIENT_ID, ATTR_FEATURE, ATTR_PROJECT, ATTR_TAG_PREFIX, ATTR_UNIT_ID, ATTR_UNIT_KIND } from './keys.js';

/** Who pays for the work done inside a scope, and what for. */
export interface Attribution {
  client?: string;
  project?: string;
  feature?: string;
  /**
   * The business object the work is for (an article written, a conversation handled), so reports
   * can show the AI cost per unit and per-unit plans can bill each one (docs/billing.md "Units").
   */
  unit?: Unit;
  tags?: Record<string, string>;
}

/** `tokenledger.unit.kind` and `tokenledger.unit.id`: one unit is one (kind, id) pair. */
export interface Unit {
  /** what sort of object: `article`, `conversation`, `ticket`... */
  kind: string;
  /** which one: the same id on every call made for it, so it is counted once */
  id: string;
}

const ATTRIBUTION_KEY = createContextKey('tokenledger.attribution');

/** Inner keys win; tags are merged (inner tag values win). */
export function mergeAttribution(outer: Attribution, inner: Attribution): Attribution {
  const merged: Attribution = { ...outer };
  if (inner.client !== undefined) merged.client = inner.client;
  if (inner.project !== undefined) merged.project = inner.project;
  if (inner.feature !== undefined) merged.feature = inner.feature;
  // A unit is a pair: an inner scope's unit replaces the outer one whole, never half of it.
  if (inner.unit !== undefined) merged.unit = { ...inner.unit };
  if (inner.tags !== undefined) merged.tags = { ...outer.tags, ...inner.tags };
  return merged;
}

/** The attribution as span attributes, under the public keys. */
export function attributionToAttributes(a: Attribution): Attributes {
  const out: Attributes = {};
  if (a.client !== undefined) out[ATTR_CLIENT_ID] = a.client;
  if (a.project !== undefined) out[ATTR_PROJECT] = a.project;
  if (a.feature !== undefined) out[ATTR_FEATURE] = a.feature;
  if (a.unit?.kind) out[ATTR_UNIT_KIND] = a.unit.kind;
  if (a.unit?.id) out[ATTR_UNIT_ID] = a.unit.id;
  for (const [name, value] of Object.entries(a.tags ?? {})) out[ATTR_TAG_PREFIX + name] = value;
  return out;
}

/**
 * Reads the attribution from baggage, which is how it arrives from another process (W3C `baggage`
 * header) or from an app that sets the keys by hand.
 */
function fromBaggage(ctx: Context): Attribution | undefined {
  const baggage = propagation.getBaggage(ctx);
  if (baggage === undefined) return undefined;
  let found: Attribution | undefined;
  for (const [key, entry] of baggage.getAllEntries()) {
    if (!key.startsWith('tokenledger.')) continue;
    found ??= {};
    if (key === ATTR_CLIENT_ID) found.client = entry.value;
    else if (key === ATTR_PROJECT) found.project = entry.value;
    else if (key === ATTR_FEATURE) found.feature = entry.value;
    else if (key === ATTR_UNIT_KIND) (found.unit ??= { kind: '', id: '' }).kind = entry.value;
    else if (key === ATTR_UNIT_ID) (found.unit ??= { kind: '', id: '' }).id = entry.value;
    else if (key.startsWith(ATTR_TAG_PREFIX)) (found.tags ??= {})[key.slice(ATTR_TAG_PREFIX.length)] = entry.value;
  }
  return found;
}

let trustedBaggageClient = false;

/**
 * Lets W3C baggage set the paying client (`tokenledger.client.id`) even when this process did not
 * put it there. Off by default: any caller of a public endpoint can send a `baggage` header, and
 * an app that extracts it would otherwise bill whichever client the caller names (#13 item 10).
 * Turn it on only where every caller is yours (service to service behind your own edge);
 * `register({ trustBaggageClient: true })` and the span processor option of that name call this.
 */
export function trustBaggageClient(trusted = true): void {
  trustedBaggageClient = trusted;
}

/**
 * The attribution in effect in `ctx` (default: the active context). Baggage wins over the context
 * value because withAttribution writes both alike, so a difference means someone changed the
 * baggage later (by hand, or an inner scope in code that only speaks baggage). A client id in
 * baggage counts only when withAttribution in this process set that same client, or when the app
 * opted in with trustBaggageClient(); project, feature and tags from baggage always count.
 */
export function getAttribution(ctx: Context = context.active()): Attribution {
  const own = ctx.getValue(ATTRIBUTION_KEY) as Attribution | undefined;
  const carried = fromBaggage(ctx);
  if (carried === undefined) return own ?? {};
  if (carried.client !== undefined && !trustedBaggageClient && carried.client !== own?.client) delete carried.client;
  return own === undefined ? carried : mergeAttribution(own, carried);
}

/** A context carrying `attribution` merged over what `ctx` already carries, in the value AND baggage. */
export function contextWithAttribution(attribution: Attribution, ctx: Context = context.active()): Context {
  const merged = mergeAttribution(getAttribution(ctx), attribution);
  // The unit keys are written as a pair: a kept half of an outer unit would pair with the inner one.
  let baggage = (propagation.getBaggage(ctx) ?? propagation.createBaggage()).removeEntries(ATTR_UNIT_KIND, ATTR_UNIT_ID);
  for (const [key, value] of Object.entries(attributionToAttributes(merged))) {
    baggage = baggage.setEntry(key, { value: String(value) });
  }
  return propagation.setBaggage(ctx.setValue(ATTRIBUTION_KEY, merged), baggage);
}

/**
 * Runs `fn` with `attribution` in effect: every span started inside (and, through W3C baggage, in
 * the services it calls) is stamped with it. Async work started inside keeps the scope.
 */
export function withAttribution<T>(attribution: Attribution, fn: () => T): T {
  return context.with(contextWithAttribution(attribution), fn);
}
