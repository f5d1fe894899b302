/** The parts of a Grafana panel the previews read, and the unit Grafana would show a field in. */
export type Row = Record<string, string | null>;
interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}
export interface Panel {
  type: string;
  title: string;
  fieldConfig: { defaults: { unit?: string; decimals?: number; custom?: { drawStyle?: string; stacking?: { mode: string } } }; overrides: Override[] };
  options: { colorMode?: string };
  transformations?: { id: string }[];
}

export function unitOf(p: Panel, field: string): { unit?: string; decimals?: number } {
  let { unit, decimals } = p.fieldConfig.defaults;
  for (const o of p.fieldConfig.overrides) {
    const hit = o.matcher.id === 'byName' ? o.matcher.options === field : o.matcher.id === 'byRegexp' && new RegExp(`^${o.matcher.options}$`).test(field);
    if (!hit) continue;
    for (const prop of o.properties) {
      if (prop.id === 'unit') unit = prop.value as string;
      if (prop.id === 'decimals') decimals = prop.value as number;
    }
  }
  return { unit, decimals };
}
