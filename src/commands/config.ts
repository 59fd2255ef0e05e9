// `ispw-mcp config check` and `ispw-mcp config schema`: the effective configuration with the source
// of every value and every secret redacted, the profile's verdict; and the JSON Schema of the config
// file. Rendering only: main.ts loads the report, prints the text and exits with the code.
import { readFileSync } from 'node:fs';

import { z } from 'zod';

import type { ConfigReport, ValueSource } from '../config/load.js';
import { OPTIONS } from '../config/options.js';
import { ConfigSchema } from '../config/schema.js';

const REDACTED = '[redacted]';
// Keys that hold a secret value (paths to secret files end in `File` and are shown).
const SECRET_KEY = /(^|\.)(token|secret|clientSecret|password|passphrase|key|privateKey)$/i;

/** How a secret file looks now: readable, empty, missing… Never its content. */
export function describeSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim() === '' ? 'EMPTY' : 'readable';
  } catch (error) {
    return `NOT READABLE (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

function display(key: string, value: unknown): string {
  if (SECRET_KEY.test(key)) return REDACTED;
  if (typeof value === 'string') {
    // A URL with credentials in it must not be shown (they are refused anyway, but the check prints first).
    if (/^[a-z]+:\/\//i.test(value)) {
      try {
        const url = new URL(value);
        if (url.username || url.password) {
          url.username = url.username ? 'redacted' : '';
          url.password = url.password ? 'redacted' : '';
          return url.toString();
        }
      } catch {
        // not a URL after all
      }
    }
    return value;
  }
  return JSON.stringify(value);
}

interface Row {
  path: string;
  value: string;
  source: ValueSource | 'default';
}

function rows(value: unknown, sourceKey: string, shown: string, sources: ConfigReport['sources'], out: Row[]): void {
  if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
    value.forEach((item, index) => {
      const name = typeof (item as { name?: unknown }).name === 'string' ? (item as { name: string }).name : String(index);
      rows(item, `${sourceKey}.${index}`, `${shown}[${name}]`, sources, out);
    });
    return;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      rows(child, sourceKey ? `${sourceKey}.${key}` : key, shown ? `${shown}.${key}` : key, sources, out);
    }
    return;
  }
  if (value === undefined) return;
  let text = display(shown, value);
  if (/File$/.test(shown) && typeof value === 'string') text = `${text}  (${describeSecretFile(value)})`;
  out.push({ path: shown, value: text, source: sources.get(sourceKey) ?? 'default' });
}

/** The text of `config check` and its exit code: 0 fine, 1 refused by the profile, 2 invalid. */
export function renderConfigCheck(report: ConfigReport): { text: string; exitCode: number } {
  const lines: string[] = [
    `ispw-mcp configuration — profile ${report.profile}${report.configFile ? `, config file ${report.configFile}` : ''}`,
    'precedence: default < profile < file < env (incl. *_FILE paths) < flag; secret values are never shown',
    '',
  ];
  if (report.config) {
    const table: Row[] = [];
    rows(report.config, '', '', report.sources, table);
    const width = Math.min(48, Math.max(...table.map((r) => r.path.length)));
    const valueWidth = Math.min(60, Math.max(...table.map((r) => r.value.length)));
    for (const r of table) lines.push(`  ${r.path.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.source}`);
    lines.push('');
  }
  const section = (title: string, list: readonly string[]) => {
    if (list.length === 0) return;
    lines.push(title, ...list.map((item) => `  - ${item}`), '');
  };
  section('Invalid settings:', report.errors);
  section(`Refused by the ${report.profile} profile:`, report.refusals);
  section('Warnings:', report.warnings);
  if (report.profile !== 'prod') {
    const prodOnly = report.violations.filter((v) => !report.refusals.some((r) => r.endsWith(v.message)) && !report.warnings.includes(v.message));
    section(
      'The prod profile would also refuse:',
      prodOnly.map((v) => v.message),
    );
  }
  const exitCode = report.errors.length > 0 ? 2 : report.refusals.length > 0 ? 1 : 0;
  lines.push(exitCode === 0 ? 'Result: OK' : exitCode === 1 ? `Result: REFUSED by the ${report.profile} profile` : 'Result: INVALID');
  return { text: `${lines.join('\n')}\n`, exitCode };
}

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; description?: string; additionalProperties?: unknown };

/** JSON Schema (draft 2020-12) of the config file, with the option table's descriptions. */
export function renderConfigSchema(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema & Record<string, unknown>;
  // Editors flag unknown keys; the server itself warns (dev) or refuses (stage, prod).
  const close = (node: JsonSchema | undefined): void => {
    if (!node) return;
    if (node.type === 'object' && node.properties) {
      node.additionalProperties = false;
      Object.values(node.properties).forEach(close);
    }
    close(node.items);
  };
  close(schema);
  for (const option of OPTIONS) {
    const path = option.path[0] === 'instance' ? ['ces', 'instances', '[]', ...option.path.slice(1)] : [...option.path];
    let node: JsonSchema | undefined = schema;
    for (const key of path) node = key === '[]' ? node?.items : node?.properties?.[key];
    if (node) node.description = `${option.description} (env ${option.env}${option.flag ? `, flag --${option.flag}` : ''})`;
  }
  schema.title = 'ispw-mcp configuration file';
  return `${JSON.stringify(schema, null, 2)}\n`;
}
