// Every file `npm run monitoring` writes, as path → content, so the generator and the staleness
// test share one definition.
import { DASHBOARD_PATH, renderDashboard } from './dashboard.js';
import { renderSloRules, SLO_RULES_PATH } from './slo-rules.js';
import { loadSloSpec } from './slo-spec.js';

export function renderMonitoring(root: URL): Map<string, string> {
  const spec = loadSloSpec(root);
  return new Map([
    [SLO_RULES_PATH, renderSloRules(spec)],
    [DASHBOARD_PATH, renderDashboard(spec)],
  ]);
}
