import { context, propagation, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterEach, describe, expect, it } from 'vitest';
import { withAttribution } from '../attribution/attribution.js';
import { startFakeServer } from '../test-support/fake-server.js';
import { register } from './register.js';

const reset = () => {
  trace.disable();
  context.disable();
  propagation.disable();
};
afterEach(() => {
  reset();
  delete process.env.OTEL_SERVICE_NAME;
});

describe('register', () => {
  it('exports OTLP/HTTP protobuf to {endpoint}/v1/traces with headers, attribution and service name', async () => {
    reset();
    const receiver = await startFakeServer(() => ({ json: {} }));
    const shutdown = register({
      endpoint: `${receiver.url}/`,
      headers: { authorization: 'Bearer ingest-token' },
      serviceName: 'billing-api',
      environment: 'staging',
    });
    withAttribution({ client: 'acme' }, () => trace.getTracer('app').startSpan('chat gpt-4o').end());
    await shutdown();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/traces');
    expect(request?.headers['content-type']).toBe('application/x-protobuf');
    expect(request?.headers.authorization).toBe('Bearer ingest-token');
    // Protobuf keeps strings as UTF-8 bytes, so the keys and values are visible in the body.
    for (const text of ['billing-api', 'deployment.environment.name', 'staging', 'tokenledger.client.id', 'acme', 'chat gpt-4o']) {
      expect(request?.body).toContain(text);
    }
    await receiver.close();
  });

  it('takes service.name from OTEL_SERVICE_NAME, and an explicit serviceName wins over it', async () => {
    const serviceName = () => (trace.getTracer('x').startSpan('s') as unknown as ReadableSpan).resource.attributes['service.name'];
    reset();
    process.env.OTEL_SERVICE_NAME = 'from-env';
    const fromEnv = register({ endpoint: 'http://127.0.0.1:1' });
    expect(serviceName()).toBe('from-env');
    reset();
    const explicit = register({ endpoint: 'http://127.0.0.1:1', serviceName: 'explicit' });
    expect(serviceName()).toBe('explicit');
    await Promise.all([fromEnv(), explicit()]);
  });

  it('returns one shutdown that can be called twice', async () => {
    reset();
    const shutdown = register({ endpoint: 'http://127.0.0.1:1' });
    await shutdown();
    await shutdown();
  });
});
