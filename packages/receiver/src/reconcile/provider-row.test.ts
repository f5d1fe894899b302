import { describe, expect, it } from 'vitest';
import { lineItemModel } from './openai-import.js';
import { nanosFromDecimal, parseKeepingAmounts, rangeDays } from './provider-row.js';

describe('money from the admin APIs', () => {
  it("reads OpenAI's amount.value from the JSON text, never through a float", () => {
    const body = parseKeepingAmounts('{"data":[{"amount":{"value": 0.12345678949999999999,"currency":"usd"},"line_item":"\\"value\\": 5"}]}') as {
      data: { amount: { value: string }; line_item: string }[];
    };
    expect(body.data[0]!.amount.value).toBe('0.12345678949999999999');
    expect(body.data[0]!.line_item).toBe('"value": 5');
    expect(nanosFromDecimal(body.data[0]!.amount.value, 'usd')).toBe(123_456_789n);
    // Through a float the same literal is 0.1234567895 and would round up.
    expect(nanosFromDecimal(String(Number('0.12345678949999999999')), 'usd')).toBe(123_456_790n);
    expect(nanosFromDecimal('1.5e-3', 'usd')).toBe(1_500_000n);
  });

  it("reads Anthropic's amount as cents: \"123.45\" is $1.2345, finer than a nano rounds half up", () => {
    expect(nanosFromDecimal('123.45', 'cents')).toBe(1_234_500_000n);
    expect(nanosFromDecimal('0.00000005', 'cents')).toBe(1n);
    expect(nanosFromDecimal('-0.00000005', 'cents')).toBe(-1n);
    expect(() => nanosFromDecimal('12,5', 'cents')).toThrow('not a decimal amount');
  });
});

describe('shapes', () => {
  it('takes the model out of an OpenAI cost line item', () => {
    expect([lineItemModel('gpt-4o-2024-08-06, input'), lineItemModel('gpt-4o-2024-08-06, cached input'), lineItemModel('web search tool calls')]).toEqual([
      'gpt-4o-2024-08-06',
      'gpt-4o-2024-08-06',
      'web search tool calls',
    ]);
  });

  it('lists the UTC days of a range, the end exclusive', () => {
    expect(rangeDays({ from: new Date('2026-10-30T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') })).toEqual(['2026-10-30', '2026-10-31', '2026-11-01']);
  });
});
