import type { FakeReply, RecordedRequest } from './fake-server.js';

/** OpenAI wire fixtures: a reasoning model with a prompt-cache hit, as the API reports them. */
export const chatUsage = {
  prompt_tokens: 2006,
  completion_tokens: 300,
  total_tokens: 2306,
  prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

const chatCompletion = {
  id: 'chatcmpl-Bx7q2',
  object: 'chat.completion',
  created: 1764000000,
  model: 'o4-mini-2025-04-16',
  service_tier: 'default',
  system_fingerprint: 'fp_a1b2',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Summary.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: chatUsage,
};

function chunk(delta: Record<string, unknown>, finish: string | null, withUsageField: boolean) {
  return {
    id: 'chatcmpl-Bx7q3',
    object: 'chat.completion.chunk',
    created: 1764000001,
    model: 'gpt-4o-mini-2024-07-18',
    service_tier: 'default',
    system_fingerprint: 'fp_c3d4',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    // With include_usage the API puts `usage: null` on every chunk but the last.
    ...(withUsageField && { usage: null }),
  };
}

/** Chat stream, as OpenAI sends it: usage only when `stream_options.include_usage` is true. */
function chatStream(includeUsage: boolean): FakeReply {
  const events: { data: unknown }[] = [
    { data: chunk({ role: 'assistant', content: '' }, null, includeUsage) },
    { data: chunk({ content: 'Hel' }, null, includeUsage) },
    { data: chunk({ content: 'lo' }, null, includeUsage) },
    { data: chunk({}, 'stop', includeUsage) },
  ];
  if (includeUsage) {
    const usage = { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } };
    events.push({ data: { ...chunk({}, null, false), choices: [], usage } });
  }
  events.push({ data: '[DONE]' });
  return { sse: events };
}

export const responsesUsage = {
  input_tokens: 5200,
  input_tokens_details: { cached_tokens: 4096 },
  output_tokens: 900,
  output_tokens_details: { reasoning_tokens: 640 },
  total_tokens: 6100,
};

const response = {
  id: 'resp_67cb71b351908190',
  object: 'response',
  created_at: 1764000002,
  status: 'completed',
  model: 'gpt-5-2025-08-07',
  service_tier: 'flex',
  output: [{ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] }],
  usage: responsesUsage,
};

function responsesStream(): FakeReply {
  const created = { ...response, status: 'in_progress', output: [], usage: null };
  return {
    sse: [
      { event: 'response.created', data: { type: 'response.created', sequence_number: 0, response: created } },
      { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: 1, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Done.' } },
      { event: 'response.completed', data: { type: 'response.completed', sequence_number: 2, response } },
    ],
  };
}

const embeddings = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 8, total_tokens: 8 },
};

/** Answers like api.openai.com does for the routes the wrapper instruments. */
export function openAiReply(req: RecordedRequest): FakeReply {
  const body = (req.json ?? {}) as Record<string, unknown>;
  if (body.model === 'rate-limited') {
    return { status: 429, json: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } };
  }
  if (req.path === '/v1/chat/completions') {
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    return body.stream === true ? chatStream(includeUsage) : { json: chatCompletion };
  }
  if (req.path === '/v1/responses') return body.stream === true ? responsesStream() : { json: response };
  if (req.path === '/v1/embeddings') return { json: embeddings };
  return { status: 404, json: { error: { message: 'no route' } } };
}
