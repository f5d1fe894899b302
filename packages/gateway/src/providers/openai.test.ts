import { describe, expect, it } from 'vitest';
import { openAiAdapter } from './openai.js';

const plan = (body: string) => openAiAdapter.plan('POST', '/chat/completions', Buffer.from(body))!;

describe('OpenAI chat streams: include_usage', () => {
  it('is spliced into the caller bytes when the body has no stream_options: the rest goes upstream as written', () => {
    const body = ' {"model":"gpt-4o-mini",  "stream":true,"messages":[{"role":"user","content":"h\\u00e9"}]}';
    const call = plan(body);
    expect(call.hideUsage).toBe(true);
    expect(Buffer.from(call.body).toString()).toBe(' {"stream_options":{"include_usage":true},"model":"gpt-4o-mini",  "stream":true,"messages":[{"role":"user","content":"h\\u00e9"}]}');
  });

  it('is merged into stream_options the caller sent, keeping its other fields', () => {
    const call = plan('{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_obfuscation":false}}');
    expect(JSON.parse(Buffer.from(call.body).toString())).toEqual({ model: 'gpt-4o-mini', stream: true, stream_options: { include_obfuscation: false, include_usage: true } });
  });

  it('leaves the body untouched when the caller asked for usage or does not stream', () => {
    for (const body of ['{"model":"m","stream":true,"stream_options":{"include_usage":true}}', '{"model":"m","messages":[]}']) {
      const call = plan(body);
      expect(call.hideUsage).toBe(false);
      expect(Buffer.from(call.body).toString()).toBe(body);
    }
  });
});
