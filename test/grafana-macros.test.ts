import { describe, expect, it } from 'vitest';
import { expandMacros, MacroError } from './support/grafana-macros.js';
import { fillVariables, VariableError } from './support/grafana-variables.js';

// 2014-11-12T11:45:26.371Z .. 2015-11-12T11:45:26.371Z, the range of the plugin's own macro tests.
const time = { from: new Date(1415792726371), to: new Date(1447328726371), intervalMs: 20_000 };

describe('the ClickHouse plugin macros (grafana-clickhouse-datasource 4.x)', () => {
  it('expands $__timeFilter to whole-second toDateTime bounds, both inclusive', () => {
    expect(expandMacros('WHERE $__timeFilter(timestamp)', time)).toBe('WHERE timestamp >= toDateTime(1415792726) AND timestamp <= toDateTime(1447328726)');
  });

  it('expands $__fromTime, $__toTime and $__interval_s, and leaves the following brackets alone', () => {
    expect(expandMacros('toDate($__fromTime, \'UTC\') AND $__toTime AND intDiv(x, $__interval_s) * $__interval_s', time)).toBe(
      "toDate(toDateTime(1415792726), 'UTC') AND toDateTime(1447328726) AND intDiv(x, 20) * 20",
    );
    // Arguments are read only when '(' follows the name at once (sqlutil parseArgs).
    expect(expandMacros('$__fromTime (1)', time)).toBe('toDateTime(1415792726) (1)');
  });

  it('expands the millisecond, date and interval forms as the plugin does', () => {
    expect(expandMacros('$__timeFilter_ms(t)', time)).toBe('t >= fromUnixTimestamp64Milli(1415792726371) AND t <= fromUnixTimestamp64Milli(1447328726371)');
    expect(expandMacros('$__dateFilter(day)', time)).toBe("day >= toDate('2014-11-12') AND day <= toDate('2015-11-12')");
    expect(expandMacros('$__dt(d, t)', time)).toBe(
      "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
    );
    expect(expandMacros('$__timeInterval(ts)', time)).toBe('toStartOfInterval(toDateTime(ts), INTERVAL 20 second)');
    expect(expandMacros('$__interval_s', { ...time, intervalMs: 200 })).toBe('1');
  });

  it('reads nested brackets as one argument and splits arguments at depth one', () => {
    expect(expandMacros('$__timeFilter(toDateTime(a, \'UTC\'))', time)).toBe(
      "toDateTime(a, 'UTC') >= toDateTime(1415792726) AND toDateTime(a, 'UTC') <= toDateTime(1447328726)",
    );
    expect(() => expandMacros('$__timeFilter(a, b)', time)).toThrow(MacroError);
    expect(() => expandMacros('$__timeFilter(a', time)).toThrow(/missing close bracket/);
  });

  it('does not take a longer name for a shorter one', () => {
    expect(expandMacros('$__toTime_ms $__toTime', time)).toBe('fromUnixTimestamp64Milli(1447328726371) toDateTime(1447328726)');
  });
});

describe('Grafana variable interpolation', () => {
  it('quotes values with :singlequote, escaping quotes as Grafana does', () => {
    expect(fillVariables("client_id = ${client:singlequote}", { client: "o'brien" })).toBe("client_id = 'o\\'brien'");
    expect(fillVariables('provider IN (${provider:singlequote})', { provider: ['openai', 'anthropic'] })).toBe("provider IN ('openai','anthropic')");
  });

  it('leaves macros and unknown names alone and refuses a variable without a format', () => {
    expect(fillVariables('$__timeFilter(t) AND $__interval_s', { client: 'acme' })).toBe('$__timeFilter(t) AND $__interval_s');
    expect(() => fillVariables('client_id = $client', { client: 'acme' })).toThrow(VariableError);
  });
});
