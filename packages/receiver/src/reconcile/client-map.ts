import type { ReconcileSource } from './reconcile-config.js';

/**
 * The client a provider row belongs to: its API key's client, else its project's (OpenAI) or
 * workspace's (Anthropic), else '' (unattributed, as tracked calls without a client are).
 */
export function clientFor(source: ReconcileSource | undefined, row: { api_key_id: string; project_id: string }): string {
  if (!source) return '';
  const groups = source.provider === 'openai' ? source.projects : source.workspaces;
  return source.api_keys[row.api_key_id] ?? groups[row.project_id] ?? '';
}
