import { describe, expect, it } from 'vitest';
import { reconcileQuerySchema } from './reconciliation-report.js';

describe('reconcileQuerySchema', () => {
  it('defaults group_by to day,provider,model and takes dates', () => {
    const q = reconcileQuerySchema.parse({ from: '2026-10-01', to: '2026-11-01' });
    expect(q).toEqual({ from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z'), group_by: ['day', 'provider', 'model'] });
  });

  it('refuses an instant inside a day, an unknown key and a key twice', () => {
    expect(reconcileQuerySchema.safeParse({ from: '2026-10-01T12:00:00Z', to: '2026-10-05' }).success).toBe(false);
    expect(reconcileQuerySchema.safeParse({ from: '2026-10-01', to: '2026-10-05', group_by: 'feature' }).success).toBe(false);
    expect(reconcileQuerySchema.safeParse({ from: '2026-10-01', to: '2026-10-05', group_by: 'day,day' }).success).toBe(false);
  });
});
