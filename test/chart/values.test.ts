// The chart's contract with its users, checked on real renders (helm template): values.schema.json
// refuses bad values (unknown keys, inline secrets outside dev, stateful sessions with several
// replicas…) and the templates refuse what the schema cannot express, each with a message naming the
// values to change; every value is in the schema and documented in the generated README; the chart
// version follows the package; the monitoring copies match deploy/monitoring.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { helmTemplate, render, valuesFile } from './support/render.js';
import { CHART, ROOT, run } from './support/tools.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-values-'));
  temps.push(dir);
  return dir;
}
function valuesOverlay(values: object): string {
  const file = join(tempDir(), 'values.yaml');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

/** Renders the default scenario plus an overlay; resolves with helm's exit code and messages. */
const withOverlay = (values: object, scenario = 'default') => helmTemplate({ scenario, valuesFiles: [valuesOverlay(values)] });

describe('values.schema.json refuses bad values', () => {
  it('accepts the default scenario (the positive control for every case below)', async () => {
    expect((await withOverlay({})).code).toBe(0);
  });

  const refused: [string, object, string, RegExp][] = [
    ['an unknown top-level key (a typo)', { replicas: 3 }, 'default', /additional properties 'replicas' not allowed/],
    ['an unknown nested key', { image: { tga: 'x' } }, 'default', /additional properties 'tga' not allowed/],
    [
      'an inline token with profile prod',
      { secrets: { existingSecret: '', inline: { 'prod-plex.token': 'abc' } } },
      'default',
      /inline.*maxProperties|minimum 0 properties|maximum 0 properties/i,
    ],
    ['an inline token with profile stage', { profile: 'stage', secrets: { existingSecret: '', inline: { 'prod-plex.token': 'abc' } } }, 'default', /inline/],
    ['several replicas with stateful sessions', { replicaCount: 3, http: { sessions: 'stateful' } }, 'default', /replicaCount.*maximum|maximum.*1/],
    ['the HPA with stateful sessions', { replicaCount: 1, http: { sessions: 'stateful' }, autoscaling: { enabled: true } }, 'default', /enabled|const/],
    [
      'an http:// CES URL in prod',
      { ces: { instances: [{ name: 'prod-plex', url: 'http://ces.example.com:48080', srids: ['CW09-47623'], cidrs: ['10.0.0.0/8'] }] } },
      'default',
      /https/,
    ],
    ['running as root', { podSecurityContext: { runAsUser: 0 } }, 'default', /runAsUser.*minimum|minimum.*1/],
    ['an Unconfined AppArmor profile', { appArmorProfile: { type: 'Unconfined' } }, 'default', /Unconfined|enum|value must be one of/],
    ['a Localhost seccomp profile without its path', { seccompProfile: { type: 'Localhost' } }, 'default', /localhostProfile/],
    ['an image digest that is not a sha256', { image: { digest: 'latest' } }, 'default', /digest/],
    ['a chart-owned config section', { config: { ces: { instances: [] } } }, 'default', /additional properties 'ces' not allowed/],
  ];
  it.each(refused)('refuses %s', async (_what, overlay, scenario, message) => {
    const result = await withOverlay(overlay, scenario);
    expect(result.code, result.stdout.slice(0, 200)).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(message);
  });

  it('accepts an inline token in dev, where it belongs (and renders a Secret only then)', async () => {
    const dev = await render({ scenario: 'dev-inline' });
    expect(dev.all('Secret').map((s) => s.metadata.name)).toEqual(['ispw-ispw-mcp-secrets']);
  });
});

describe('the templates refuse unsafe or incomplete combinations with an actionable message', () => {
  const refused: [string, object, string, RegExp][] = [
    ['no CES instance', { ces: { instances: [] } }, 'default', /ces.instances: list at least one CES instance/],
    ['no source for the CES token', { secrets: { existingSecret: '' } }, 'default', /secrets: the CES tokens need a source/],
    [
      'two sources for the server secret',
      { secrets: { externalSecret: { enabled: true, secretStoreRef: { name: 'vault' } } } },
      'default',
      /choose one source of the server secret/,
    ],
    [
      'an unauthenticated service on the pod network',
      { auth: { oauth: { issuer: '', audience: '' } } },
      'default',
      /authenticate callers with OAuth .* or mutual TLS/,
    ],
    [
      'egress without the CES addresses',
      { ces: { instances: [{ name: 'prod-plex', url: 'https://ces.example.com:48226', srids: ['CW09-47623'] }] } },
      'default',
      /cidrs: list the addresses of this CES endpoint/,
    ],
    [
      'confirmations across replicas without a shared key',
      { access: { policy: { version: 1, default: 'allow', rules: [{ name: 'c', match: { operations: ['promote'] }, decision: 'confirm' }] } } },
      'default',
      /secrets.confirmKey/,
    ],
    ['a chart-owned setting in config', { config: { http: { port: 9999 } } }, 'default', /config.http.port: the chart sets this itself/],
    ['mutual TLS without the metrics port for the probes', { metrics: { enabled: false } }, 'openshift', /metrics.enabled: keep the metrics port/],
    ['a sidecar with no agent container', { sidecar: { workload: { containers: [] } } }, 'sidecar-deployment', /sidecar.workload.containers/],
    ['an unknown default instance', { ces: { defaultInstance: 'nope' } }, 'default', /ces.defaultInstance: "nope" is not one of/],
    [
      'an HPA whose maximum is below its minimum',
      { autoscaling: { enabled: true, minReplicas: 4, maxReplicas: 3 } },
      'default',
      /autoscaling.maxReplicas \(3\) is below autoscaling.minReplicas \(4\)/,
    ],
    ['a PersistentVolumeClaim for the audit files without its name', { audit: { storage: 'persistentVolumeClaim' } }, 'default', /audit.existingClaim/],
  ];
  it.each(refused)('refuses %s', async (_what, overlay, scenario, message) => {
    const result = await withOverlay(overlay, scenario);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});

/** Every key path of a values object, down to leaves and empty objects/lists. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  type?: string;
}

describe('values.yaml, values.schema.json and the README agree', () => {
  const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as JsonSchema;

  it('the schema knows every value, and every strict schema object exists in values.yaml', () => {
    const unknown: string[] = [];
    for (const path of keyPaths(values)) {
      let node: JsonSchema | undefined = schema;
      for (const part of path.split('.')) {
        if (!node) break;
        const next: JsonSchema | undefined = node.properties?.[part];
        if (next === undefined && node.additionalProperties === false) {
          unknown.push(path);
          node = undefined;
          break;
        }
        node = next;
      }
    }
    expect(unknown).toEqual([]);
    const missing: string[] = [];
    const walk = (node: JsonSchema, value: unknown, path: string) => {
      if (node.additionalProperties !== false || !node.properties) return;
      for (const [key, child] of Object.entries(node.properties)) {
        const childPath = path ? `${path}.${key}` : key;
        if (['global', 'config'].includes(childPath)) continue;
        if (value === null || typeof value !== 'object' || !(key in value)) {
          missing.push(childPath);
        } else {
          walk(child, (value as Record<string, unknown>)[key], childPath);
        }
      }
    };
    walk(schema, values, '');
    expect(missing).toEqual([]);
  });

  it('the chart README is generated from values.yaml and current', async () => {
    const result = await run('npx', ['tsx', 'scripts/chart/generate-readme.ts', '--check']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a stale README, or an undocumented value, fails the check', async () => {
    const copy = join(tempDir(), 'chart');
    cpSync(CHART, copy, { recursive: true });
    const valuesPath = join(copy, 'values.yaml');
    writeFileSync(valuesPath, readFileSync(valuesPath, 'utf8').replace('# -- Image pull policy.', '# -- How the kubelet pulls the image.'));
    const stale = await run('npx', ['tsx', 'scripts/chart/generate-readme.ts', '--check', '--chart', copy]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/README.md is stale/);
    writeFileSync(valuesPath, `${readFileSync(valuesPath, 'utf8')}\nundocumentedKey: 1\n`);
    const undocumented = await run('npx', ['tsx', 'scripts/chart/generate-readme.ts', '--check', '--chart', copy]);
    expect(undocumented.code).toBe(2);
    expect(undocumented.stderr).toMatch(/undocumentedKey/);
  });

  it('Chart.yaml: apiVersion v2, Kubernetes ≥ 1.30, appVersion = the package version', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(chart.apiVersion).toBe('v2');
    expect(chart.kubeVersion).toBe('>=1.30.0-0');
    expect(chart.appVersion).toBe(pkg.version);
  });

  it('the values matrix exists for every scenario the issue names', () => {
    for (const scenario of ['default', 'prod-mtls-ingress-externalsecret', 'csi', 'sidecar-deployment', 'sidecar-job', 'hpa-custom-metric', 'cilium']) {
      expect(() => readFileSync(valuesFile(scenario))).not.toThrow();
    }
  });
});

describe('monitoring artefacts in the chart', () => {
  it('are identical to deploy/monitoring (scripts/chart/sync-monitoring.sh --check)', async () => {
    const result = await run('bash', ['scripts/chart/sync-monitoring.sh', '--check']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a copy that differs fails the check', async () => {
    const root = tempDir();
    cpSync(join(ROOT, 'scripts/chart'), join(root, 'scripts/chart'), { recursive: true });
    for (const [dir, text] of [
      ['deploy/monitoring/prometheus', 'groups: []\n'],
      ['charts/ispw-mcp/files/monitoring/prometheus', 'groups: [{name: changed, rules: []}]\n'],
    ] as const) {
      mkdirSync(join(root, dir), { recursive: true });
      writeFileSync(join(root, dir, 'ispw-mcp.rules.yaml'), text);
    }
    const result = await run('bash', [join(root, 'scripts/chart/sync-monitoring.sh'), '--check']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/differs: prometheus\/ispw-mcp.rules.yaml/);
  });
});
