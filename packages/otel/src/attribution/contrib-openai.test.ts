import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../test-support/fake-server.js';
import { openAiReply } from '../test-support/openai-wire.js';
import { patchOfficialOpenAI } from '../test-support/official-openai.js';
import { setupTracing, type TestTracing } from '../test-support/tracing.js';
import { withAttribution } from './attribution.js';

let server: FakeServer;
let tracing: TestTracing;
let unpatch: () => void;

// The official instrumentation hooks `require`/`import` when enabled; under vitest we apply its
// module patch by hand to the already-loaded ESM module, which is what the hook would do.
beforeAll(async () => {
  tracing = setupTracing();
  server = await startFakeServer(openAiReply);
  unpatch = patchOfficialOpenAI(tracing.provider);
});
afterAll(async () => {
  unpatch();
  await server.close();
  await tracing.shutdown();
});

describe('@opentelemetry/instrumentation-openai under withAttribution', () => {
  it('gets the tokenledger keys on its own span from the span processor', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await withAttribution({ client: 'acme', feature: 'triage' }, () =>
      client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }] }),
    );
    const span = tracing.span('chat o4-mini');
    expect(span.instrumentationScope.name).toBe('@opentelemetry/instrumentation-openai');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 2006,
      'tokenledger.client.id': 'acme',
      'tokenledger.feature': 'triage',
    });
  });
});
