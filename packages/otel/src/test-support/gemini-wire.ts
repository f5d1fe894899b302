import type { FakeReply, RecordedRequest } from './fake-server.js';

/**
 * Gemini API wire fixtures. `candidatesTokenCount` EXCLUDES `thoughtsTokenCount`;
 * `promptTokenCount` includes `cachedContentTokenCount`.
 */
export const usageMetadata = {
  promptTokenCount: 4100,
  cachedContentTokenCount: 4000,
  candidatesTokenCount: 220,
  thoughtsTokenCount: 780,
  totalTokenCount: 5100,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 4100 }],
};

function candidate(text: string, finish?: string) {
  return { content: { role: 'model', parts: [{ text }] }, ...(finish !== undefined && { finishReason: finish }), index: 0 };
}

const response = {
  candidates: [candidate('Forecast ready.', 'STOP')],
  usageMetadata,
  modelVersion: 'gemini-2.5-pro-preview-06-05',
  responseId: 'mJ4QaPqXKbWnz7IPw6bS8Qk',
};

function stream(): FakeReply {
  const partial = { promptTokenCount: 900, candidatesTokenCount: 5, totalTokenCount: 905 };
  const final = { promptTokenCount: 900, candidatesTokenCount: 60, thoughtsTokenCount: 140, totalTokenCount: 1100 };
  const meta = { modelVersion: 'gemini-2.5-flash', responseId: 'st8QaLm3Np2' };
  return {
    sse: [
      { data: { candidates: [candidate('Fore')], usageMetadata: partial, ...meta } },
      { data: { candidates: [candidate('cast')], usageMetadata: partial, ...meta } },
      { data: { candidates: [candidate('.', 'STOP')], usageMetadata: final, ...meta } },
    ],
  };
}

/** Answers `models/{model}:generateContent` and `:streamGenerateContent?alt=sse`. */
export function geminiReply(req: RecordedRequest): FakeReply {
  if (req.path.includes('models/bad-model')) {
    return { status: 400, json: { error: { code: 400, message: 'model not found', status: 'INVALID_ARGUMENT' } } };
  }
  if (req.path.includes(':streamGenerateContent')) return stream();
  if (req.path.includes(':generateContent')) return { json: response };
  return { status: 404, json: { error: { code: 404, message: 'no route', status: 'NOT_FOUND' } } };
}
