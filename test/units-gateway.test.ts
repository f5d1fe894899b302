// Units through the gateway (docs/billing.md "Units"): the real OpenAI SDK -> the gateway ->
// a fake OpenAI server -> the gateway's span over OTLP -> the receiver -> llm_calls. The unit comes
// from X-Metering-Tags (unit_kind / unit_id) or the X-TokenLedger-Unit-Kind / -Unit-Id headers.
import { parseGatewayConfig, startGateway, type RunningGateway } from '@tokenledger/gateway';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../packages/otel/src/test-support/fake-server.js';
import { openAiReply } from '../packages/otel/src/test-support/openai-wire.js';
import { readUnitUsage } from '../packages/receiver/src/reports/unit-usage.js';
import { buildPricer } from '../packages/receiver/src/server/receiver.js';
import { startTestReceiver, type TestReceiver } from './support/receiver.js';

let r: TestReceiver;
let upstream: FakeServer;
let gateway: RunningGateway;

beforeAll(async () => {
  [r, upstream] = await Promise.all([startTestReceiver('units_gateway'), startFakeServer(openAiReply)]);
  const config = parseGatewayConfig({ receiver_url: r.url, upstreams: { openai: { base_url: `${upstream.url}/v1` } } }, {}, 0);
  gateway = await startGateway(config, { pricer: buildPricer(r.config), spanDelayMs: 50, log: { write: () => undefined } });
});
afterAll(async () => {
  await gateway?.stop();
  await upstream.close();
  await r.stop();
});

const client = (headers: Record<string, string>) => new OpenAI({ apiKey: 'sk-caller', baseURL: `${gateway.url}/openai/v1`, maxRetries: 0, defaultHeaders: headers });
const chat = (headers: Record<string, string>) => client(headers).chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'Draft' }] });

describe('the gateway tags each call with its unit', () => {
  it('stores unit_kind / unit_id from X-Metering-Tags and from the X-TokenLedger-Unit-* headers', async () => {
    await chat({ 'X-Metering-Tags': JSON.stringify({ client: 'gw-units', unit_kind: 'article', unit_id: 'a-1' }) });
    await chat({ 'X-Metering-Tags': JSON.stringify({ client: 'gw-units', unit_kind: 'article', unit_id: 'a-1' }) });
    await chat({ 'X-TokenLedger-Client': 'gw-units', 'X-TokenLedger-Unit-Kind': 'article', 'X-TokenLedger-Unit-Id': 'a-2' });
    await gateway.flush();
    const rows = await r.db.queryRows<{ unit_kind: string; unit_id: string; calls: string; cost: string }>(
      `SELECT unit_kind, unit_id, toString(count()) AS calls, toString(sum(cost_nanos)) AS cost FROM ${r.db.name}.llm_calls FINAL WHERE client_id = 'gw-units' GROUP BY unit_kind, unit_id ORDER BY unit_id`,
    );
    // The fake's o4-mini reply: 86 uncached x 1,100 + 1,920 cached x 275 + 300 out x 4,400 = 1,942,600 nano-USD.
    expect(rows).toEqual([
      { unit_kind: 'article', unit_id: 'a-1', calls: '2', cost: '3885200' },
      { unit_kind: 'article', unit_id: 'a-2', calls: '1', cost: '1942600' },
    ]);
    const now = new Date();
    const month = { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
    expect(await readUnitUsage(r.server.receiver.store, { clientId: 'gw-units', ...month })).toEqual([{ unitKind: 'article', units: 2, calls: 3, costNanos: 5_827_800n }]);
  });

  it('refuses a unit id over 256 characters with a 400 before anything goes upstream', async () => {
    const before = upstream.requests.length;
    const err = await chat({ 'X-Metering-Tags': JSON.stringify({ client: 'gw-units', unit_kind: 'article', unit_id: 'a'.repeat(257) }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'bad_request', message: 'unit_id is longer than 256 characters' });
    expect(upstream.requests.length).toBe(before);
  });
});
