/**
 * Only model calls are billed: wrapper spans (invoke_agent, invoke_workflow, create_agent, agent
 * steps) repeat their children's usage, so billing them double-counts (reference §1.5, §9 rule 2).
 * Everything not listed here (execute_tool, retrieval, memory ops, fetch_response, rerank, image,
 * audio, custom values) is ignored as not a model call.
 */
const BILLABLE: ReadonlyMap<string, string> = new Map([
  ['chat', 'chat'],
  ['text_completion', 'text_completion'],
  ['generate_content', 'generate_content'],
  ['embeddings', 'embeddings'],
  // Older producers' spellings (Langfuse's mapper and OpenLLMetry's llm.request.type accept them).
  ['completion', 'text_completion'],
  ['embedding', 'embeddings'],
]);

/** The canonical billable operation for a producer's operation name, or undefined. */
export function billableOperation(name: string): string | undefined {
  return BILLABLE.get(name);
}

/**
 * Semconv span names are `{operation} {model}` (reference §1.4): a fallback for producers that
 * name the span but leave out `gen_ai.operation.name`.
 */
export function operationFromSpanName(spanName: string): string | undefined {
  const space = spanName.indexOf(' ');
  return BILLABLE.get(space === -1 ? spanName : spanName.slice(0, space));
}
