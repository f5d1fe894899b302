import { routingPrefixes } from './provider-id.js';

/** Bedrock cross-region inference-profile prefixes (us.anthropic.claude-…, global.anthropic.…). */
const BEDROCK_PROFILE = /^(us|eu|apac|global|us-gov|jp|au|ca)\./;
/** Dated snapshots: gpt-4o-2024-11-20, claude-3-5-sonnet-20241022. */
const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;
/** Bedrock model versions: anthropic.claude-3-5-sonnet-20241022-v2:0, anthropic.claude-opus-4-6-v1. */
const VERSION_SUFFIX = /-v\d+(:\d+)?$/;

export interface ModelName {
  /** The host named by a routing prefix ("bedrock/…"), if any. */
  readonly providerHint?: string;
  /** Lower-cased names to look up, most exact first. */
  readonly candidates: readonly string[];
}

function stripResourcePath(model: string): string {
  // Gemini API "models/gemini-2.5-pro"; Vertex "projects/p/locations/l/publishers/google/models/…".
  const at = model.lastIndexOf('models/');
  return at >= 0 ? model.slice(at + 'models/'.length) : model;
}

/**
 * The names a model id may be listed under, from exact to loosest. Only the loosest steps
 * (dropping a snapshot date or a Bedrock version) reach a different catalog entry, and only
 * when no entry lists the exact id, so a snapshot with its own price always wins.
 */
export function modelCandidates(model: string): ModelName {
  const exact = stripResourcePath(model.trim().toLowerCase());
  const out: string[] = [];
  const add = (name: string) => {
    if (name !== '' && !out.includes(name)) out.push(name);
  };
  add(exact);
  let providerHint: string | undefined;
  const slash = exact.indexOf('/');
  if (slash > 0) {
    providerHint = routingPrefixes[exact.slice(0, slash)];
    if (providerHint) add(exact.slice(slash + 1));
  }
  for (const name of [...out]) {
    const unprofiled = name.replace(BEDROCK_PROFILE, '');
    add(unprofiled);
    const at = unprofiled.indexOf('@');
    if (at > 0) {
      // Vertex AI names Claude snapshots "claude-sonnet-4-5@20250929".
      add(unprofiled.replace('@', '-'));
      add(unprofiled.slice(0, at));
    }
  }
  for (const name of [...out]) {
    const unversioned = name.replace(VERSION_SUFFIX, '');
    add(unversioned);
    add(unversioned.replace(DATE_SUFFIX, ''));
    add(name.replace(/-latest$/, ''));
  }
  return providerHint ? { providerHint, candidates: out } : { candidates: out };
}
