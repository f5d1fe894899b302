/**
 * Dashboard variables, filled in as Grafana's frontend does before the query reaches the plugin
 * (templateSrv.replace). The syntax is Grafana's variableRegex: `$name`, `[[name:format]]`,
 * `${name:format}`. Names that are no dashboard variable (our `$__macros`) stay as they are.
 *
 * Our dashboards always name a format (`${client:singlequote}`): the plugin's default formatting of
 * a bare `$client` has changed between versions, an explicit format has not.
 */

export class VariableError extends Error {
  readonly code = 'variable_error';
}

export type VariableValues = Record<string, string | string[]>;

const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

// Grafana's formatRegistry: singlequote escapes ' as \' and quotes each value, joined with commas.
const formats: Record<string, (values: string[]) => string> = {
  singlequote: (values) => values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(','),
  doublequote: (values) => values.map((v) => `"${v.replace(/"/g, '\\"')}"`).join(','),
  csv: (values) => values.join(','),
  raw: (values) => values.join(','),
};

export function fillVariables(sql: string, values: VariableValues): string {
  return sql.replace(VARIABLE, (whole, plain?: string, bracketName?: string, bracketFormat?: string, braceName?: string, _path?: string, braceFormat?: string) => {
    const name = plain ?? bracketName ?? braceName ?? '';
    if (!(name in values)) return whole;
    const format = bracketFormat ?? braceFormat;
    if (!format) throw new VariableError(`$${name} is used without a format; write \${${name}:singlequote}`);
    const formatter = formats[format];
    if (!formatter) throw new VariableError(`unknown variable format ${format}`);
    const value = values[name]!;
    return formatter(Array.isArray(value) ? value : [value]);
  });
}
