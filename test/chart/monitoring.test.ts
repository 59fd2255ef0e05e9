// The chart renders the project's monitoring artefacts (copies of deploy/monitoring in
// files/monitoring) as a PrometheusRule and Grafana dashboard ConfigMaps. The templates are driven
// by a fixture in the same layout, and by the project's own rules and dashboard (the synced
// copies): the result is validated with kubeconform and the API server (server-side dry run
// against the CRD), and the chart refuses to enable them without files or with a file that is not a
// rule file. The rules themselves are tested with promtool by test/ops (issue 16).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';

import { helmTemplate, render } from './support/render.js';
import { CHART, KUBE_VERSION, ROOT, run, tool } from './support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-monitoring-'));
const chart = join(dir, 'ispw-mcp');
const enabled = {
  'metrics.prometheusRule.enabled': 'true',
  'metrics.dashboards.enabled': 'true',
  'metrics.prometheusRule.labels.release': 'kube-prometheus-stack',
};

beforeAll(() => {
  cpSync(CHART, chart, { recursive: true });
  // The fixture alone, without the project's synced files.
  for (const sub of ['prometheus', 'grafana', 'alertmanager']) rmSync(join(chart, 'files/monitoring', sub), { recursive: true, force: true });
  cpSync(join(ROOT, 'test/chart/fixtures/monitoring'), join(chart, 'files/monitoring'), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('monitoring artefacts rendered by the chart', () => {
  it('a PrometheusRule with the rule groups and a dashboard ConfigMap for the Grafana sidecar', async () => {
    const r = await render({ scenario: 'default', chart, set: enabled });
    const rule = r.one('PrometheusRule');
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(rule.spec.groups.map((g: { name: string }) => g.name)).toEqual(['ispw-mcp-fixture']);
    const dashboard = r.one('ConfigMap', 'ispw-ispw-mcp-dashboard-fixture-overview');
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(JSON.parse(dashboard.data!['fixture-overview.json']!)).toMatchObject({ uid: 'ispw-mcp-fixture' });
  });

  it('passes kubeconform -strict and the API server (server-side dry run against the CRD)', async () => {
    const r = await render({ scenario: 'default', chart, set: enabled, namespace: 'default' });
    const conform = await run(
      tool('kubeconform'),
      ['-strict', '-summary', '-kubernetes-version', KUBE_VERSION, '-schema-location', inject('schemaLocation'), '-'],
      { input: r.text },
    );
    expect(conform.code, conform.stdout + conform.stderr).toBe(0);
    const manifests = r.objects.filter((o) => o.kind === 'PrometheusRule' || o.metadata.name.includes('dashboard'));
    const applied = await run(tool('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'apply', '--dry-run=server', '-f', '-'], {
      input: manifests.map((o) => JSON.stringify(o)).join('\n'),
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/prometheusrule.monitoring.coreos.com\/ispw-ispw-mcp created \(server dry run\)/);
  });

  it("renders the project's own rules and dashboard (deploy/monitoring, synced into the chart) and the API server accepts them", async () => {
    const r = await render({ scenario: 'default', set: enabled, namespace: 'default' });
    const rules = readdirSync(join(ROOT, 'deploy/monitoring/prometheus'))
      .filter((f) => f.endsWith('.rules.yaml'))
      .sort()
      .flatMap((f) => (parse(readFileSync(join(ROOT, 'deploy/monitoring/prometheus', f), 'utf8')) as { groups: unknown[] }).groups);
    expect(rules.length).toBeGreaterThan(5);
    expect(r.one('PrometheusRule').spec.groups).toEqual(rules);
    const dashboard = r.one('ConfigMap', 'ispw-ispw-mcp-dashboard-ispw-mcp-overview');
    expect(dashboard.data!['ispw-mcp-overview.json']).toBe(readFileSync(join(ROOT, 'deploy/monitoring/grafana/ispw-mcp-overview.json'), 'utf8'));
    const manifests = r.objects.filter((o) => o.kind === 'PrometheusRule' || o.metadata.name.includes('dashboard'));
    const applied = await run(tool('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'apply', '--dry-run=server', '-f', '-'], {
      input: manifests.map((o) => JSON.stringify(o)).join('\n'),
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/prometheusrule.monitoring.coreos.com\/ispw-ispw-mcp created \(server dry run\)/);
  });

  it('refuses to enable them when the chart carries no files, and a file without groups', async () => {
    const bare = join(dir, 'bare');
    cpSync(CHART, bare, { recursive: true });
    for (const sub of ['prometheus', 'grafana', 'alertmanager']) rmSync(join(bare, 'files/monitoring', sub), { recursive: true, force: true });
    const noFiles = await helmTemplate({ scenario: 'default', set: { 'metrics.prometheusRule.enabled': 'true' }, chart: bare });
    expect(noFiles.stderr).toMatch(/the chart carries no rule files .*sync-monitoring.sh/);
    mkdirSync(join(bare, 'files/monitoring/prometheus'), { recursive: true });
    writeFileSync(join(bare, 'files/monitoring/prometheus/broken.rules.yaml'), 'rules: []\n');
    const broken = await helmTemplate({ scenario: 'default', set: { 'metrics.prometheusRule.enabled': 'true' }, chart: bare });
    expect(broken.stderr).toMatch(/broken.rules.yaml: a Prometheus rule file needs `groups:`/);
  });
});
