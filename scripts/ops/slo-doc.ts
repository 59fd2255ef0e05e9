// The generated tables of docs/slo.md: the SLOs of the spec and every alert of the rule files
// (deploy/monitoring/prometheus/*.rules.yaml), between marker comments; the prose around them is kept.
import { parse } from 'yaml';

import { percent } from './slo-rules.js';
import { budgetOf, type SloSpec } from './slo-spec.js';

export const SLO_DOC_PATH = 'docs/slo.md';

const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;

function sloTable(spec: SloSpec): string {
  const rows = spec.slos.map((slo) => {
    const sli = slo.good !== undefined ? `good ${code(slo.good)} of ${code(slo.total)}` : `bad ${code(slo.errors!)} of ${code(slo.total)}`;
    return `| ${slo.title} (${code(slo.name)}) | ${percent(slo.objective)} | ${percent(budgetOf(slo))} | ${slo.by.join(', ')} | ${sli} | ${code(slo.alert)} | [${slo.runbook.replace('docs/runbooks/', '')}](${slo.runbook.replace('docs/', '')}) |`;
  });
  return [`| SLO | objective (${spec.window}) | error budget | kept per | SLI | alert | runbook |`, '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function burnTable(spec: SloSpec): string {
  const rows = spec.burnRates.map(
    (b) =>
      `| ${b.severity} | ${b.factor}× | ${b.long} | ${b.short} | ${Number((((b.factor * durationDays(b.long)) / durationDays(spec.window)) * 100).toPrecision(3))} % |`,
  );
  return ['| severity | burn rate | long window | short window | budget spent when it fires |', '|---|---|---|---|---|', ...rows].join('\n');
}

const durationDays = (d: string) => Number(d.slice(0, -1)) / { m: 1440, h: 24, d: 1 }[d.at(-1) as 'm' | 'h' | 'd'];

interface RuleFile {
  groups: { rules: { alert?: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

function alertTable(ruleTexts: string[]): string {
  const rows: string[] = [];
  for (const text of ruleTexts) {
    const doc = parse(text) as RuleFile;
    for (const rule of doc.groups.flatMap((g) => g.rules).filter((r) => r.alert)) {
      const runbook = rule.annotations!.runbook_url!;
      rows.push(
        `| ${code(rule.alert!)} | ${rule.labels!.severity} | ${rule.labels!.category} | ${rule.for ?? '—'} | ${rule.annotations!.summary!.replace(/\{\{[^}]*\}\}/g, '…').replace(/\|/g, '\\|')} | [${runbook.replace('docs/runbooks/', '')}](${runbook.replace('docs/', '')}) |`,
      );
    }
  }
  return ['| alert | severity | category | for | summary | runbook |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function between(doc: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${SLO_DOC_PATH}: the markers ${start} … ${end} are missing`);
  return `${doc.slice(0, from + start.length)}\n${content}\n${doc.slice(to)}`;
}

/** `ruleTexts`: the contents of every rule file, in file order. */
export function renderSloDoc(spec: SloSpec, ruleTexts: string[], current: string): string {
  let doc = between(current, 'slo-table', sloTable(spec));
  doc = between(doc, 'burn-table', burnTable(spec));
  return between(doc, 'alert-table', alertTable(ruleTexts));
}
