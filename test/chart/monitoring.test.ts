// The chart renders the project's monitoring artefacts (copies of deploy/monitoring in
// files/monitoring) as a PrometheusRule and Grafana dashboard ConfigMaps. The rule files themselves
// belong to the operations work; this test drives the templates with a fixture in the same layout,
// validates the result with kubeconform and the API server (server-side dry run against the CRD),
// and shows the chart refuses to enable them without files or with a file that is not a rule file.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { helmTemplate, render } from './support/render.js';
import { CHART, KUBE_VERSION, ROOT, run, tool } from './support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-monitoring-'));
const chart = join(dir, 'ispw-mcp');
const enabled = { 'metrics.prometheusRule.enabled': 'true', 'metrics.dashboards.enabled': 'true', 'metrics.prometheusRule.labels.release': 'kube-prometheus-stack' };

beforeAll(() => {
  cpSync(CHART, chart, { recursive: true });
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
    const conform = await run(tool('kubeconform'), ['-strict', '-summary', '-kubernetes-version', KUBE_VERSION, '-schema-location', inject('schemaLocation'), '-'], { input: r.text });
    expect(conform.code, conform.stdout + conform.stderr).toBe(0);
    const manifests = r.objects.filter((o) => o.kind === 'PrometheusRule' || o.metadata.name.includes('dashboard'));
    const applied = await run(tool('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'apply', '--dry-run=server', '-f', '-'], { input: manifests.map((o) => JSON.stringify(o)).join('\n') });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/prometheusrule.monitoring.coreos.com\/ispw-ispw-mcp created \(server dry run\)/);
  });

  it('refuses to enable them when the chart carries no files, and a file without groups', async () => {
    const bare = join(dir, 'bare');
    cpSync(CHART, bare, { recursive: true });
    const noFiles = await helmTemplate({ scenario: 'default', set: { 'metrics.prometheusRule.enabled': 'true' }, chart: bare });
    expect(noFiles.stderr).toMatch(/the chart carries no rule files .*sync-monitoring.sh/);
    mkdirSync(join(bare, 'files/monitoring/prometheus'), { recursive: true });
    writeFileSync(join(bare, 'files/monitoring/prometheus/broken.rules.yaml'), 'rules: []\n');
    const broken = await helmTemplate({ scenario: 'default', set: { 'metrics.prometheusRule.enabled': 'true' }, chart: bare });
    expect(broken.stderr).toMatch(/broken.rules.yaml: a Prometheus rule file needs `groups:`/);
  });
});
