/**
 * The alerts this process has claimed, by period label, so memory is bounded by the periods that
 * can still alert: the month before last up to the next (a client's period label is the month it
 * starts in, so this covers every start day). An alert for a period outside (a span dated years
 * back or ahead) is not fired: its period is closed or not begun.
 */
export function claimWindow(now: Date): { from: string; to: string } {
  const label = (months: number) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  return { from: label(-2), to: label(1) };
}

export class ClaimedAlerts {
  private readonly byPeriod = new Map<string, { ids: Set<string>; perGroup: Map<string, number> }>();

  has(period: string, id: string): boolean {
    return this.byPeriod.get(period)?.ids.has(id) ?? false;
  }

  /** Claims of one group (kind and client) in a period. */
  count(period: string, group: string): number {
    return this.byPeriod.get(period)?.perGroup.get(group) ?? 0;
  }

  add(period: string, id: string, group: string): void {
    const entry = this.byPeriod.get(period) ?? { ids: new Set<string>(), perGroup: new Map<string, number>() };
    this.byPeriod.set(period, entry);
    if (entry.ids.has(id)) return;
    entry.ids.add(id);
    entry.perGroup.set(group, (entry.perGroup.get(group) ?? 0) + 1);
  }

  /** Forgets a claim whose record could not be written (it may be claimed again). */
  delete(period: string, id: string): void {
    // The group count stays: a claim that failed to record still used its place under the cap.
    this.byPeriod.get(period)?.ids.delete(id);
  }

  /** Drops every period before `from`. */
  prune(from: string): void {
    for (const period of this.byPeriod.keys()) if (period < from) this.byPeriod.delete(period);
  }
}
