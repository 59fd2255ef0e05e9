// Every file `npm run monitoring` writes, as path → content, so the generator and the staleness
// test share one definition.
import { readdirSync, readFileSync } from 'node:fs';

import { DASHBOARD_PATH, renderDashboard } from './dashboard.js';
import { renderSloDoc, SLO_DOC_PATH } from './slo-doc.js';
import { renderSloRules, RULES_DIR, SLO_RULES_PATH } from './slo-rules.js';
import { loadSloSpec } from './slo-spec.js';

export function renderMonitoring(root: URL): Map<string, string> {
  const spec = loadSloSpec(root);
  const sloRules = renderSloRules(spec);
  // The alert table of docs/slo.md lists the alerts of every rule file, the SLO rules as generated now.
  const ruleFiles = readdirSync(new URL(RULES_DIR, root))
    .filter((f) => f.endsWith('.rules.yaml'))
    .sort()
    .map((f) => `${RULES_DIR}/${f}`);
  if (!ruleFiles.includes(SLO_RULES_PATH)) ruleFiles.push(SLO_RULES_PATH);
  const ruleTexts = ruleFiles.sort().map((path) => (path === SLO_RULES_PATH ? sloRules : readFileSync(new URL(path, root), 'utf8')));
  return new Map([
    [SLO_RULES_PATH, sloRules],
    [DASHBOARD_PATH, renderDashboard(spec)],
    [SLO_DOC_PATH, renderSloDoc(spec, ruleTexts, readFileSync(new URL(SLO_DOC_PATH, root), 'utf8'))],
  ]);
}
