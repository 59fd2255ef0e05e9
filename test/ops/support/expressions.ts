// Every PromQL expression the operations artefacts use, with where it comes from: the Prometheus
// rules, the Grafana dashboard (panel queries and variable queries) and the ```promql blocks of the
// runbooks and docs/slo.md.
import { readdirSync, readFileSync } from 'node:fs';

import { withoutGrafanaVariables } from './promql.js';
import { alertRules, recordingRules } from './rules.js';
import { repoPath } from './tools.js';

export interface Expression {
  source: string;
  expr: string;
  /** A metric named in prose (a histogram's family name is fine there), not a query. */
  mention?: boolean;
}

export const DASHBOARDS_DIR = 'deploy/monitoring/grafana';
export const RUNBOOKS_DIR = 'docs/runbooks';

export const runbookPages = () =>
  readdirSync(repoPath(RUNBOOKS_DIR))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `${RUNBOOKS_DIR}/${f}`);

export function ruleExpressions(): Expression[] {
  return [
    ...alertRules().map((a) => ({ source: `${a.file}: alert ${a.alert}`, expr: a.expr })),
    ...recordingRules().map((r) => ({ source: `${r.file}: record ${r.record}`, expr: r.expr })),
  ];
}

interface Dashboard {
  panels: { title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; type: string; query?: { query: string } | string }[] };
}

export function dashboardExpressions(): Expression[] {
  const found: Expression[] = [];
  for (const file of readdirSync(repoPath(DASHBOARDS_DIR)).filter((f) => f.endsWith('.json'))) {
    const path = `${DASHBOARDS_DIR}/${file}`;
    const dashboard = JSON.parse(readFileSync(repoPath(path), 'utf8')) as Dashboard;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) found.push({ source: `${path}: panel "${panel.title}"`, expr: withoutGrafanaVariables(target.expr) });
    }
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const query = typeof v.query === 'string' ? v.query : v.query!.query;
      // Grafana's label_values(<selector>, <label>): the selector is PromQL.
      const m = /^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(query);
      if (!m) throw new Error(`${path}: variable ${v.name}: not a label_values(<selector>, <label>) query: ${query}`);
      found.push({ source: `${path}: variable $${v.name}`, expr: withoutGrafanaVariables(m[1]!) });
    }
  }
  return found;
}

/** The ```promql blocks of a Markdown page; expressions in a block are separated by blank lines. */
export function markdownExpressions(path: string): Expression[] {
  const text = readFileSync(repoPath(path), 'utf8');
  const found: Expression[] = [];
  for (const block of text.matchAll(/^```promql\n([\s\S]*?)^```$/gm)) {
    for (const chunk of block[1]!.split(/\n\s*\n/)) {
      const expr = chunk
        .split('\n')
        .filter((line) => !line.trim().startsWith('#'))
        .join('\n')
        .trim();
      if (expr) found.push({ source: `${path}: promql block`, expr });
    }
  }
  return found;
}

/**
 * Metric names written in a page's prose as inline code (`ispw_mcp_ready`, `process_…`, recording
 * rules), each as a bare selector so it is checked like the rest.
 */
export function markdownMetricMentions(path: string): Expression[] {
  const text = readFileSync(repoPath(path), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
  const found: Expression[] = [];
  for (const span of text.matchAll(/`([^`\n]+)`/g)) {
    const name = /^(?:(?:ispw_mcp|mcp_server|process|nodejs)_[a-z0-9_]+|ispw_mcp_slo:[a-z0-9_:]+)(?![a-z0-9_:])/.exec(span[1]!)?.[0];
    if (name) found.push({ source: `${path}: \`${span[1]}\``, expr: name, mention: true });
  }
  return found;
}

export const policyPages = () =>
  readdirSync(repoPath('docs/policies'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/policies/${f}`);

/** Every page this project's operations work wrote: runbooks, SLOs, SIEM, retention, DR, policies. */
export const OPERATIONS_DOCS = () => [...runbookPages(), 'docs/slo.md', 'docs/siem.md', 'docs/retention.md', 'docs/dr.md', ...policyPages()];

export function docExpressions(): Expression[] {
  return OPERATIONS_DOCS().flatMap((page) => [...markdownExpressions(page), ...markdownMetricMentions(page)]);
}
