/** Small SVG helpers for the dashboard previews: Grafana's dark theme colours, text, number formats. */

export const THEME = { bg: '#111217', panel: '#181b1f', border: '#2c3235', text: '#d8d9da', dim: '#8e8e8e', grid: '#2c3235' };
export const PALETTE = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9', '#ff9830', '#96d98d', '#ffcb7d', '#c0d8ff', '#fade2a', '#e0b400'];
export const THRESHOLD_COLOURS: Record<string, string> = { green: '#73bf69', yellow: '#fade2a', orange: '#ff9830', red: '#f2495c' };

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function text(x: number, y: number, s: string, opts: { size?: number; fill?: string; anchor?: 'start' | 'middle' | 'end'; weight?: number } = {}): string {
  const { size = 12, fill = THEME.text, anchor = 'start', weight = 400 } = opts;
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" fill="${fill}" text-anchor="${anchor}" font-weight="${weight}">${escape(s)}</text>`;
}

export function rect(b: Box, fill: string, extra = ''): string {
  return `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${Math.max(0, b.w).toFixed(1)}" height="${Math.max(0, b.h).toFixed(1)}" fill="${fill}" shape-rendering="crispEdges" ${extra}/>`;
}

/** Cuts a label to roughly fit `px` at font size `size` (DejaVu Sans averages ~0.6 em per glyph). */
export function fit(s: string, px: number, size = 12): string {
  const max = Math.max(1, Math.floor(px / (size * 0.6)));
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

export function formatValue(raw: string | null, unit: string | undefined, decimals?: number): string {
  if (raw === null) return '–';
  const n = Number(raw);
  if (raw === '' || Number.isNaN(n)) return raw;
  if (unit === 'currencyUSD') return `$${n.toLocaleString('en-US', { minimumFractionDigits: decimals ?? 2, maximumFractionDigits: decimals ?? 2 })}`;
  if (unit === 'percent') return `${n.toFixed(decimals ?? 1)}%`;
  if (unit === 'ms') return `${Math.round(n)} ms`;
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)} K`;
  return Number.isInteger(n) ? String(n) : n.toFixed(decimals ?? 2);
}

/** The colour of `value` on threshold steps (ascending), as Grafana picks it. */
export function thresholdColour(value: number, steps: { value: number; color: string }[]): string {
  let colour = THRESHOLD_COLOURS.green!;
  for (const s of steps) if (value >= s.value) colour = THRESHOLD_COLOURS[s.color] ?? s.color;
  return colour;
}
