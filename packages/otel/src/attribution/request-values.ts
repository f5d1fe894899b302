import type { Attribution } from './attribution.js';

/**
 * Where a middleware reads an attribution value: a fixed string, a request header, a route
 * parameter, or a function of the framework's request/context object.
 */
export type ValueFrom<R> = string | { header: string } | { param: string } | ((request: R) => string | undefined);

export interface AttributionFrom<R> {
  client: ValueFrom<R>;
  project?: ValueFrom<R>;
  feature?: ValueFrom<R>;
  /** The business unit: set only when the request gives both its kind and its id. */
  unit?: { kind: ValueFrom<R>; id: ValueFrom<R> };
  tags?: Record<string, ValueFrom<R>>;
}

/** How one framework reads a header and a route parameter (duck-typed, no framework import). */
export interface RequestAccess<R> {
  header(request: R, name: string): string | undefined;
  param(request: R, name: string): string | undefined;
}

function read<R>(source: ValueFrom<R>, request: R, access: RequestAccess<R>): string | undefined {
  if (typeof source === 'string') return source;
  if (typeof source === 'function') return source(request);
  if ('header' in source) return access.header(request, source.header);
  return access.param(request, source.param);
}

/** The attribution a request asks for; empty values are left out (the call stays unattributed). */
export function attributionFromRequest<R>(from: AttributionFrom<R>, request: R, access: RequestAccess<R>): Attribution {
  const value = (source: ValueFrom<R> | undefined) => {
    if (source === undefined) return undefined;
    const v = read(source, request, access);
    return v === undefined || v === '' ? undefined : v;
  };
  const out: Attribution = {};
  const client = value(from.client);
  if (client !== undefined) out.client = client;
  const project = value(from.project);
  if (project !== undefined) out.project = project;
  const feature = value(from.feature);
  if (feature !== undefined) out.feature = feature;
  const unitKind = value(from.unit?.kind);
  const unitId = value(from.unit?.id);
  if (unitKind !== undefined && unitId !== undefined) out.unit = { kind: unitKind, id: unitId };
  for (const [name, source] of Object.entries(from.tags ?? {})) {
    const v = value(source);
    if (v !== undefined) (out.tags ??= {})[name] = v;
  }
  return out;
}
