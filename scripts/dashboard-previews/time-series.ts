/**
 * A time-series panel: rows of (time, labels…, values…) turned wide as the plugin does for
 * format 0, drawn as lines or stacked bars.
 */
import { unitOf, type Panel, type Row } from './panel-model.js';
import { fit, formatValue, PALETTE, rect, text, THEME, type Box } from './svg.js';

const toMs = (t: string) => Date.parse(`${t.length === 10 ? `${t}T00:00:00` : t.replace(' ', 'T')}Z`);

export function timeSeries(p: Panel, rows: Row[], b: Box): string {
  if (rows.length === 0) return text(b.x + 8, b.y + 20, 'No data', { fill: THEME.dim });
  const cols = Object.keys(rows[0]!).filter((c) => c !== 'time');
  const valueCols = cols.filter((c) => rows.every((r) => r[c] !== null && !Number.isNaN(Number(r[c]))));
  const labelCols = cols.filter((c) => !valueCols.includes(c));
  const series = new Map<string, Map<number, number>>();
  for (const r of rows) {
    for (const v of valueCols) {
      const name = labelCols.length ? labelCols.map((l) => r[l]).join(' ') + (valueCols.length > 1 ? ` ${v}` : '') : v;
      if (!series.has(name)) series.set(name, new Map());
      series.get(name)!.set(toMs(r.time!), Number(r[v]));
    }
  }
  const times = [...new Set(rows.map((r) => toMs(r.time!)))].sort((a, c) => a - c);
  const stacked = p.fieldConfig.defaults.custom?.stacking?.mode === 'normal';
  const bars = p.fieldConfig.defaults.custom?.drawStyle === 'bars';
  const names = [...series.keys()];
  const totals = times.map((t) => (stacked ? names.reduce((s, n) => s + (series.get(n)!.get(t) ?? 0), 0) : Math.max(...names.map((n) => series.get(n)!.get(t) ?? 0))));
  const max = Math.max(...totals, 0) * 1.08 || 1;
  const legendH = names.length > 1 ? 16 * Math.ceil(names.length / 6) : 0;
  const plot = { x: b.x + 64, y: b.y + 4, w: b.w - 70, h: b.h - 26 - legendH };
  const unit = unitOf(p, valueCols[0] ?? '');
  const out: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = plot.y + plot.h - (plot.h * i) / 4;
    out.push(rect({ x: plot.x, y, w: plot.w, h: 1 }, THEME.grid), text(plot.x - 6, y + 4, formatValue(String((max * i) / 4), unit.unit, 0), { size: 10, anchor: 'end', fill: THEME.dim }));
  }
  const span = Math.max(1, times[times.length - 1]! - times[0]!);
  const xOf = (t: number) => plot.x + (bars ? ((times.indexOf(t) + 0.5) * plot.w) / times.length : ((t - times[0]!) * plot.w) / span);
  const yOf = (v: number) => plot.y + plot.h - (v * plot.h) / max;
  names.forEach((n, k) => {
    const colour = PALETTE[k % PALETTE.length]!;
    if (bars) {
      const w = (plot.w / times.length) * 0.8;
      times.forEach((t) => {
        const below = stacked ? names.slice(0, k).reduce((s, m) => s + (series.get(m)!.get(t) ?? 0), 0) : 0;
        const v = series.get(n)!.get(t) ?? 0;
        if (v > 0) out.push(rect({ x: xOf(t) - w / 2, y: yOf(below + v), w, h: yOf(below) - yOf(below + v) }, colour));
      });
    } else {
      const pts = times.filter((t) => series.get(n)!.has(t)).map((t) => `${xOf(t).toFixed(1)},${yOf(series.get(n)!.get(t)!).toFixed(1)}`);
      out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    }
  });
  for (let i = 0; i < 5; i++) {
    const t = times[0]! + (span * i) / 4;
    const d = new Date(t).toISOString();
    const label = span > 3 * 86_400_000 ? d.slice(5, 10) : d.slice(11, 16);
    out.push(text(bars ? plot.x + (plot.w * i) / 4 : xOf(t), plot.y + plot.h + 14, label, { size: 10, anchor: 'middle', fill: THEME.dim }));
  }
  names.forEach((n, k) => {
    const lx = plot.x + (k % 6) * (plot.w / 6);
    const ly = plot.y + plot.h + 30 + Math.floor(k / 6) * 16;
    out.push(rect({ x: lx, y: ly - 9, w: 10, h: 10 }, PALETTE[k % PALETTE.length]!), text(lx + 14, ly, fit(n, plot.w / 6 - 18, 10), { size: 10 }));
  });
  return out.join('');
}
