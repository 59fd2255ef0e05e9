// Keeps the tables in README.md generated: the configuration table from the option table and the
// tool table from the registry. Text between the markers is replaced; everything else is kept.
import type { AnyToolDef } from '../../src/mcp/kit/define-tool.js';
import { OPTIONS } from '../../src/config/options.js';

const replaceBetween = (text: string, name: string, body: string) => {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
};

export function renderReadmeTables(readme: string, tools: readonly AnyToolDef[], size: { bytes: number; tokens: number }): string {
  const config = [
    '| environment | flag | meaning |',
    '|---|---|---|',
    ...OPTIONS.map((o) => `| \`${o.env}\` | ${o.flag ? `\`--${o.flag}\`` : '—'} | ${o.description.replace(/\|/g, '\\|')} |`),
  ].join('\n');
  const toolRows = [
    '| tool | kind | use it to |',
    '|---|---|---|',
    ...tools.map((t) => `| \`${t.name}\` | ${t.kind} | ${t.description.replace(/\|/g, '\\|')} |`),
    '',
    `The whole \`tools/list\` reply (${tools.length} tools, with schemas and annotations) is ${size.bytes} bytes, about ${size.tokens} tokens (bytes / 4), as measured by \`npm run docs\`.`,
  ].join('\n');
  return replaceBetween(replaceBetween(readme, 'config-table', config), 'tools-table', toolRows);
}
