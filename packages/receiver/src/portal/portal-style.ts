import type { PortalConfig } from '../config/config-schema.js';

/** Relative luminance (WCAG 2.x) of a #rrggbb color. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const v = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** Black or white, whichever contrasts more with the accent: any configured color keeps buttons readable. */
export function textOn(hex: string): '#000000' | '#ffffff' {
  const l = luminance(hex);
  return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? '#ffffff' : '#000000';
}

const BASE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;align-items:center;gap:.75rem;padding:.75rem 1rem;background:#fff;border-bottom:4px solid var(--accent)}
header img{height:2rem;width:auto}
header h1{font-size:1.25rem;margin:0;flex:1}
main{max-width:64rem;margin:0 auto;padding:1rem}
a{color:#0b4fae}
h2{font-size:1.35rem;margin:.25rem 0 1rem}
h3{font-size:1.05rem;margin:0 0 .5rem}
section{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:1rem;margin:0 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.75rem;margin:0 0 1rem}
.card{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:.75rem 1rem;margin:0}
.card dt{font-size:.85rem;color:#4b5563}
.card dd{margin:0;font-size:1.35rem;font-weight:600}
.unpriced{font-style:italic;color:#4b5563}
.note{color:#4b5563;font-size:.9rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e5e7eb;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.25rem 0}
button,.button{font:inherit;background:var(--accent);color:var(--on-accent);border:0;border-radius:6px;padding:.45rem .9rem;cursor:pointer;text-decoration:none;display:inline-block}
button.quiet{background:#fff;color:#1f2328;border:1px solid #9aa4ae}
label{display:block;font-weight:600;margin:0 0 .25rem}
input,select{font:inherit;padding:.4rem;border:1px solid #6b7280;border-radius:6px;max-width:100%}
input[type=password]{width:100%}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:0 0 1rem}
.status{font-weight:700;padding:.1rem .45rem;border-radius:4px}
.status-ok{background:#dcfce7;color:#14532d}
.status-warning{background:#fef3c7;color:#713f12}
.status-exceeded{background:#fee2e2;color:#7f1d1d}
.error{background:#fee2e2;color:#7f1d1d;padding:.5rem .75rem;border-radius:6px}
.downloads{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0}
.bars{width:100%;height:auto;display:block}
.signin{max-width:26rem;margin:2rem auto}
.breakdowns{display:grid;grid-template-columns:1fr;gap:1rem}
@media (min-width:48rem){.breakdowns{grid-template-columns:1fr 1fr}.breakdowns>:first-child{grid-column:1/-1}}
`;

/** The one stylesheet, with the configured accent. */
export function portalCss(portal: PortalConfig): string {
  return `:root{--accent:${portal.accent_color};--on-accent:${textOn(portal.accent_color)}}${BASE}`;
}
