/** Draws one Grafana panel's query result as SVG, roughly as Grafana shows it. */
import { unitOf, type Panel, type Row } from './panel-model.js';
import { timeSeries } from './time-series.js';
import { fit, formatValue, PALETTE, rect, text, THEME, thresholdColour, type Box } from './svg.js';

const isNumeric = (rows: Row[], c: string) => rows.length > 0 && rows.every((r) => r[c] === null || (r[c] !== '' && !Number.isNaN(Number(r[c]))));
const fmt = (p: Panel, field: string, v: string | null) => {
  const u = unitOf(p, field);
  return formatValue(v, u.unit, u.decimals);
};

function stat(p: Panel, rows: Row[], b: Box): string {
  const fields = Object.keys(rows[0] ?? {});
  const w = b.w / Math.max(1, fields.length);
  return fields
    .map((f, i) => {
      const cell = { x: b.x + i * w + 4, y: b.y + 4, w: w - 8, h: b.h - 8 };
      const bg = p.options.colorMode === 'background' ? rect(cell, Number(rows[0]![f]) > 0 ? '#8f3bb8' : '#37872d', 'rx="3"') : '';
      const size = Math.min(34, cell.h * 0.45, (cell.w / Math.max(4, fmt(p, f, rows[0]![f]!).length)) * 1.6);
      return `${bg}${text(cell.x + cell.w / 2, cell.y + cell.h * 0.32, fit(f, cell.w, 11), { size: 11, anchor: 'middle', fill: THEME.dim })}${text(cell.x + cell.w / 2, cell.y + cell.h * 0.78, fmt(p, f, rows[0]![f]!), { size, anchor: 'middle', weight: 600 })}`;
    })
    .join('');
}

function table(p: Panel, rows: Row[], b: Box): string {
  const cols = Object.keys(rows[0] ?? {});
  if (cols.length === 0) return text(b.x + 8, b.y + 20, 'No data', { fill: THEME.dim });
  const numeric = cols.map((c) => isNumeric(rows, c));
  const weights = cols.map((c, i) => Math.max(c.length, ...rows.slice(0, 20).map((r) => fmt(p, c, r[c]!).length)) * (numeric[i] ? 0.8 : 1) + 2);
  const total = weights.reduce((a, c) => a + c, 0);
  const widths = weights.map((wt) => (wt / total) * b.w);
  const lineH = 20;
  const out = [rect({ x: b.x, y: b.y, w: b.w, h: lineH }, '#22252b')];
  let x = b.x;
  cols.forEach((c, i) => {
    out.push(text(numeric[i] ? x + widths[i]! - 6 : x + 6, b.y + 14, fit(c, widths[i]! - 8, 11), { size: 11, weight: 600, anchor: numeric[i] ? 'end' : 'start', fill: '#6e9fff' }));
    x += widths[i]!;
  });
  rows.slice(0, Math.min(8, Math.floor((b.h - lineH) / lineH))).forEach((r, j) => {
    let cx = b.x;
    const y = b.y + lineH * (j + 2) - 6;
    cols.forEach((c, i) => {
      out.push(text(numeric[i] ? cx + widths[i]! - 6 : cx + 6, y, fit(fmt(p, c, r[c]!), widths[i]! - 8, 11), { size: 11, anchor: numeric[i] ? 'end' : 'start' }));
      cx += widths[i]!;
    });
    out.push(rect({ x: b.x, y: y + 6, w: b.w, h: 1 }, THEME.grid));
  });
  return out.join('');
}

interface Bar {
  name: string;
  value: number;
  field: string;
  colour: string;
}

/** Bars per field; with rowsToFields each row is a field and its threshold_* columns colour it. */
function barGauge(p: Panel, rows: Row[], b: Box): string {
  const perRow = p.transformations?.some((t) => t.id === 'rowsToFields') ?? false;
  const bars: Bar[] = perRow
    ? rows.map((r) => {
        const steps = [['yellow', r.threshold_first], ['orange', r.threshold_high], ['red', r.threshold_last]].map(([color, v]) => ({ color: color!, value: Number(v) }));
        const value = Number(r.used_pct);
        return { name: r.client ?? '', value, field: 'used_pct', colour: thresholdColour(value, steps) };
      })
    : Object.keys(rows[0] ?? {}).map((f, i) => ({ name: f, value: Number(rows[0]![f]), field: f, colour: PALETTE[i % PALETTE.length]! }));
  if (bars.length === 0) return text(b.x + 8, b.y + 20, 'No data', { fill: THEME.dim });
  const max = Math.max(perRow ? 100 : 0, ...bars.map((x) => x.value));
  const h = Math.min(26, b.h / bars.length);
  const labelW = Math.min(170, b.w * 0.3);
  return bars
    .map((bar, i) => {
      const y = b.y + i * h;
      const colour = bar.colour;
      const w = ((b.w - labelW - 90) * bar.value) / (max || 1);
      return `${text(b.x + labelW - 8, y + h * 0.65, fit(bar.name, labelW, 11), { size: 11, anchor: 'end' })}${rect({ x: b.x + labelW, y: y + 3, w: b.w - labelW - 90, h: h - 6 }, '#22252b')}${rect({ x: b.x + labelW, y: y + 3, w, h: h - 6 }, colour)}${text(b.x + b.w - 4, y + h * 0.65, fmt(p, bar.field, String(bar.value)), { size: 12, anchor: 'end', fill: colour, weight: 600 })}`;
    })
    .join('');
}

function gauge(p: Panel, rows: Row[], b: Box): string {
  const r = rows[0];
  if (!r) return text(b.x + 8, b.y + 20, 'No data', { fill: THEME.dim });
  const value = Number(r.used_pct);
  const steps = [['yellow', r.threshold_first], ['orange', r.threshold_high], ['red', r.threshold_last]].map(([color, v]) => ({ color: color!, value: Number(v) }));
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h * 0.68;
  const rad = Math.min(b.w / 2, b.h * 0.62) - 24;
  const max = Math.max(100, value);
  const arc = (from: number, to: number, colour: string, width: number, offset = 0) => {
    const r0 = rad + offset;
    const a0 = Math.PI * (1 - from / max);
    const a1 = Math.PI * (1 - Math.min(to, max) / max);
    const p0 = [cx + r0 * Math.cos(a0), cy - r0 * Math.sin(a0)];
    const p1 = [cx + r0 * Math.cos(a1), cy - r0 * Math.sin(a1)];
    return `<path d="M${p0[0]!.toFixed(1)},${p0[1]!.toFixed(1)} A${r0},${r0} 0 0 1 ${p1[0]!.toFixed(1)},${p1[1]!.toFixed(1)}" stroke="${colour}" stroke-width="${width}" fill="none"/>`;
  };
  const colour = thresholdColour(value, steps);
  const bands = [0, ...steps.map((s) => s.value), max];
  const markers = bands.slice(0, -1).map((from, i) => arc(from, bands[i + 1]!, thresholdColour(from, steps), 4, 14)).join('');
  return `${arc(0, max, '#22252b', 18)}${arc(0, value, colour, 18)}${markers}${text(cx, cy - 4, fmt(p, 'used_pct', String(value)), { size: 26, anchor: 'middle', fill: colour, weight: 600 })}${text(cx, cy + 16, r.client ?? '', { size: 11, anchor: 'middle', fill: THEME.dim })}`;
}

/** Horizontal grouped bars: the first text column names each group, every number is a bar. */
function barChart(p: Panel, rows: Row[], b: Box): string {
  const cols = Object.keys(rows[0] ?? {});
  const label = cols.find((c) => !isNumeric(rows, c)) ?? cols[0]!;
  const values = cols.filter((c) => c !== label && isNumeric(rows, c));
  const max = Math.max(...rows.flatMap((r) => values.map((v) => Number(r[v]))), 0) || 1;
  const groupH = (b.h - 18) / Math.max(1, rows.length);
  const labelW = Math.min(230, b.w * 0.32);
  const out = rows.flatMap((r, i) => [
    text(b.x + labelW - 8, b.y + i * groupH + groupH / 2 + 4, fit(r[label] ?? '', labelW, 11), { size: 11, anchor: 'end' }),
    ...values.map((v, j) => {
      const barH = (groupH - 6) / values.length;
      const w = ((b.w - labelW - 70) * Number(r[v])) / max;
      const y = b.y + i * groupH + 3 + j * barH;
      return `${rect({ x: b.x + labelW, y, w, h: barH - 1 }, PALETTE[j % PALETTE.length]!)}${text(b.x + labelW + w + 4, y + barH * 0.75, fmt(p, v, r[v]!), { size: 10, fill: THEME.dim })}`;
    }),
  ]);
  const legend = values.length > 1 ? values.map((v, j) => `${rect({ x: b.x + labelW + j * 140, y: b.y + b.h - 11, w: 10, h: 10 }, PALETTE[j]!)}${text(b.x + labelW + j * 140 + 14, b.y + b.h - 2, v, { size: 11 })}`) : [];
  return [...out, ...legend].join('');
}

export function drawPanel(p: Panel, rows: Row[], b: Box): string {
  const frame = `${rect(b, THEME.panel, `stroke="${THEME.border}" rx="4"`)}${text(b.x + 10, b.y + 20, fit(p.title, b.w - 20, 13), { size: 13, weight: 600 })}`;
  const inner = { x: b.x + 10, y: b.y + 30, w: b.w - 20, h: b.h - 38 };
  const body = { stat, table, bargauge: barGauge, gauge, barchart: barChart, timeseries: timeSeries }[p.type];
  return frame + (body ? body(p, rows, inner) : '');
}
