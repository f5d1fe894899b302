import { describe, expect, it } from 'vitest';
import { yieldsTo } from './journal-lookups.js';

describe('which receiver stores a request journaled by several', () => {
  const entry = (at: number, receiver: string) => ({ batch_id: 'x', at, receiver });

  it('is the one whose entry is older, and for entries of the same second the one whose name sorts first', () => {
    expect(yieldsTo({ at: 10, receiver: 'b' }, [entry(9, 'c')])).toBe(true);
    expect(yieldsTo({ at: 9, receiver: 'c' }, [entry(10, 'b')])).toBe(false);
    expect(yieldsTo({ at: 10, receiver: 'b' }, [entry(10, 'a')])).toBe(true);
    expect(yieldsTo({ at: 10, receiver: 'a' }, [entry(10, 'b')])).toBe(false);
  });

  it("ignores the receiver's own entries, and makes a request it did not journal yield to any entry", () => {
    expect(yieldsTo({ at: 10, receiver: 'b' }, [entry(5, 'b')])).toBe(false);
    expect(yieldsTo(null, [entry(10, 'b')])).toBe(true);
    expect(yieldsTo(null, [])).toBe(false);
  });
});
