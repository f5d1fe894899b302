import { describe, expect, it } from 'vitest';
import * as gateway from '@tokenledger/gateway';
import * as otel from '@tokenledger/otel';
import * as pricing from '@tokenledger/pricing';
import * as receiver from '@tokenledger/receiver';

describe('each package exposes its public surface from src/index.ts', () => {
  it('@tokenledger/receiver runs TokenLedger from code', () => {
    for (const name of ['main', 'loadConfig', 'startServer', 'createReceiver', 'defaultPlugins', 'migrate', 'usageReport', 'loadInvoice', 'settle', 'reprice', 'quoteString'] as const) {
      expect(receiver[name], name).toBeDefined();
    }
  });

  it('@tokenledger/pricing prices a call', () => {
    const pricer = pricing.createPricer(pricing.loadCatalog());
    const result = pricer.price({ provider: 'openai', model: 'gpt-4o', usage: { ...pricing.emptyUsage, inputTokens: 500, outputTokens: 200 }, at: new Date('2026-11-01T00:00:00Z') });
    expect(result.priced && pricing.formatUsd(result.totalNanos)).toBe('0.003250000');
  });

  it('@tokenledger/otel has setup, attribution, wrappers and the budget guard', () => {
    for (const name of ['register', 'TokenLedgerSpanProcessor', 'withAttribution', 'instrumentOpenAI', 'instrumentAnthropic', 'instrumentGoogleGenAI', 'createBudgetGuard'] as const) {
      expect(otel[name], name).toBeDefined();
    }
  });

  it('@tokenledger/gateway starts the metering proxy from its config section', () => {
    for (const name of ['startGateway', 'parseGatewayConfig', 'gatewaySectionSchema', 'sha256'] as const) expect(gateway[name], name).toBeDefined();
    expect(gateway.parseGatewayConfig({}, {}).upstreams).toEqual(gateway.DEFAULT_UPSTREAMS);
  });
});
