// The monitoring artefacts generated from deploy/monitoring/slos.yaml (`npm run monitoring`): the
// SLO rules, the dashboard and the tables of docs/slo.md must be what the generator makes of the
// committed spec, and a broken spec is refused with every problem named.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { renderMonitoring } from '../../scripts/ops/monitoring-files.js';
import { parseSloSpec } from '../../scripts/ops/slo-spec.js';
import { repoPath, ROOT } from './support/tools.js';

describe('generated monitoring files', () => {
  it('are up to date with deploy/monitoring/slos.yaml (npm run monitoring)', () => {
    const files = renderMonitoring(new URL(`file://${ROOT}`));
    expect([...files.keys()].sort()).toEqual([
      'deploy/monitoring/grafana/ispw-mcp-overview.json',
      'deploy/monitoring/prometheus/ispw-mcp-slo.rules.yaml',
      'docs/slo.md',
    ]);
    for (const [path, text] of files) expect(readFileSync(repoPath(path), 'utf8'), `${path} is stale: run npm run monitoring`).toBe(text);
  });

  it('the dashboard has a panel for each thing an operator watches', () => {
    const dashboard = JSON.parse(readFileSync(repoPath('deploy/monitoring/grafana/ispw-mcp-overview.json'), 'utf8')) as {
      uid: string;
      panels: { id: number; type: string; title: string; targets?: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('ispw-mcp-overview');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const exprs = (title: RegExp) => dashboard.panels.filter((p) => title.test(p.title)).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const needs: [RegExp, string][] = [
      [/by tool/, 'mcp_server_operation_duration_seconds'],
      [/CES .*instance|CES requests/, 'ispw_mcp_ces_request_duration_seconds'],
      [/Set wait/, 'ispw_mcp_set_wait'],
      [/Policy denials/, 'ispw_mcp_policy_denials_total'],
      [/Confirmations/, 'ispw_mcp_confirmations_total'],
      [/Audit/, 'ispw_mcp_audit_'],
      [/In-flight/, 'ispw_mcp_inflight_tool_calls'],
      [/Event-loop lag/, 'nodejs_eventloop_lag_p99_seconds'],
      [/Resident memory/, 'process_resident_memory_bytes'],
      [/Budget left|Error ratio per SLO|Burn rate/, 'ispw_mcp_slo:sli_error:ratio_rate1h'],
    ];
    for (const [title, metric] of needs) expect(exprs(title).join('\n'), `${title}`).toContain(metric);
  });
});

describe('the SLO spec', () => {
  const valid = readFileSync(repoPath('deploy/monitoring/slos.yaml'), 'utf8');

  it('is valid', () => {
    expect(parseSloSpec(valid).slos.map((s) => s.name)).toEqual(['tool-call-availability', 'read-latency', 'ces-availability', 'ces-latency', 'set-waits']);
  });

  it('refuses a broken spec, naming every problem and where it is', () => {
    const broken = valid
      .replace('objective: 0.995', 'objective: 1.5')
      .replace('window: 28d', 'window: 4 weeks')
      .replace('runbook: docs/runbooks/read-latency.md', 'runbook: https://wiki/read');
    expect(() => parseSloSpec(broken)).toThrow(/window: a duration[\s\S]*slos\.0\.objective: Too big[\s\S]*slos\.1\.runbook: a path docs\/runbooks/);
    expect(() => parseSloSpec(valid.replace('name: read-latency', 'name: tool-call-availability'))).toThrow(/"tool-call-availability" is used twice/);
    expect(() => parseSloSpec(valid.replace('    total: ispw_mcp_set_waits_total\n', '    good: x\n    total: ispw_mcp_set_waits_total\n'))).toThrow(
      /exactly one of `errors` and `good`/,
    );
  });
});
