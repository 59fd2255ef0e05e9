// Linters over the whole values matrix: `helm lint --strict`, kubeconform -strict against offline
// schemas generated from the control plane (Kubernetes 1.37 plus the operators' CRDs), and checkov
// with zero findings apart from the ones skipped below, each with its reason. kube-linter and
// polaris cannot be installed here (the module proxy refuses kube-linter; polaris serves no
// version), so they do not run. Each gate is also shown to fail on a bad input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, inject, it } from 'vitest';

import { helmTemplate, MATRIX, render, valuesFile } from './support/render.js';
import { CHART, KUBE_VERSION, run, tool } from './support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('helm lint --strict', () => {
  it.each(MATRIX)('%s', async (scenario) => {
    const result = await run(tool('helm'), ['lint', '--strict', '--kube-version', KUBE_VERSION, CHART, '--values', valuesFile(scenario)]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('fails on values the schema refuses', async () => {
    const bad = join(dir, 'bad-values.yaml');
    writeFileSync(bad, 'replicas: 3\n');
    const result = await run(tool('helm'), ['lint', '--strict', '--kube-version', KUBE_VERSION, CHART, '--values', valuesFile('default'), '--values', bad]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/additional properties 'replicas' not allowed/);
  });
});

async function kubeconform(
  manifests: string,
): Promise<{ code: number; summary: { valid: number; invalid: number; errors: number; skipped: number }; output: string }> {
  const result = await run(
    tool('kubeconform'),
    ['-strict', '-summary', '-output', 'json', '-kubernetes-version', KUBE_VERSION, '-schema-location', inject('schemaLocation'), '-'],
    {
      input: manifests,
    },
  );
  const report = JSON.parse(result.stdout) as { summary: { valid: number; invalid: number; errors: number; skipped: number } };
  return { code: result.code, summary: report.summary, output: result.stdout };
}

describe('kubeconform -strict with offline schemas (Kubernetes 1.37 and the CRDs)', () => {
  it.each(MATRIX)('%s', async (scenario) => {
    const r = await render({ scenario });
    const { code, summary, output } = await kubeconform(r.text);
    expect(code, output).toBe(0);
    expect(summary).toEqual({ valid: r.objects.length, invalid: 0, errors: 0, skipped: 0 });
  });

  it('fails on a misspelt field, a wrong type and a kind it has no schema for', async () => {
    const r = await render({ scenario: 'prod-mtls-ingress-externalsecret' });
    const misspelt = r.text.replace('refreshInterval:', 'refreshIntervall:');
    expect((await kubeconform(misspelt)).summary.invalid).toBe(1);
    const wrongType = r.text.replace(/terminationGracePeriodSeconds: 40/, 'terminationGracePeriodSeconds: forty');
    expect((await kubeconform(wrongType)).summary.invalid).toBe(1);
    const unknownKind = `${r.text}\n---\napiVersion: example.com/v1\nkind: Gizmo\nmetadata: { name: x }\n`;
    expect((await kubeconform(unknownKind)).summary.errors).toBe(1);
  });
});

/**
 * checkov findings accepted on purpose: (check, resource pattern) → reason. Anything else fails.
 */
const CHECKOV_SKIPS: { check: string; resource: RegExp; scenarios?: string[]; reason: string }[] = [
  {
    check: 'CKV_K8S_43',
    resource: /.*/,
    reason:
      'image digest: the chart supports image.digest and docs/kubernetes.md asks for it; before a release no digest exists, so the default is the appVersion tag (the prod scenario pins a digest)',
  },
  {
    check: 'CKV_K8S_15',
    resource: /.*/,
    reason:
      'imagePullPolicy Always: with a digest or an immutable release tag, IfNotPresent pulls the same image and keeps nodes working when the registry is briefly away; set image.pullPolicy if your policy demands Always',
  },
  {
    check: 'CKV_K8S_8',
    resource: /^Pod\.[^.]+\.ispw-ispw-mcp-test-readyz$/,
    reason: 'liveness probe: the helm test pod runs one healthcheck and exits; a probe would have nothing to watch',
  },
  {
    check: 'CKV_K8S_9',
    resource: /^Pod\.[^.]+\.ispw-ispw-mcp-test-readyz$/,
    reason: 'readiness probe: the helm test pod runs one healthcheck and exits; nothing routes traffic to it',
  },
  {
    check: 'CKV_K8S_8',
    resource: /^Deployment\.[^.]+\.ispw-ispw-mcp$/,
    scenarios: ['sidecar-deployment'],
    reason:
      "liveness probe: in the sidecar topology the agent containers are the user's; ispw-mcp itself (the native sidecar, an init container checkov does not look at) has startup, liveness and readiness probes",
  },
  {
    check: 'CKV_K8S_9',
    resource: /^Deployment\.[^.]+\.ispw-ispw-mcp$/,
    scenarios: ['sidecar-deployment'],
    reason: "readiness probe: as for the liveness probe of the sidecar topology's agent containers",
  },
  {
    check: 'CKV_K8S_31',
    resource: /.*/,
    reason:
      "seccomp: checkov accepts only runtime/default, but seccompProfile Localhost with the project's allow-list (deploy/seccomp/ispw-mcp.json) is stricter; RuntimeDefault is the default",
  },
  {
    check: 'CKV_K8S_40',
    resource: /.*/,
    scenarios: ['openshift', 'sidecar-cronjob'],
    reason:
      'high UID: on OpenShift the chart leaves runAsUser out on purpose, and the restricted-v2 SCC assigns one from the namespace range (1000000000 and up); elsewhere it is 65532',
  },
];

interface CheckovFinding {
  check_id: string;
  resource: string;
  check_name: string;
}

async function checkov(file: string): Promise<CheckovFinding[]> {
  // --skip-download: no policy metadata from the vendor's API (offline, and nothing leaves the machine).
  const result = await run(tool('checkov'), ['-f', file, '--framework', 'kubernetes', '--quiet', '--compact', '--skip-download', '-o', 'json'], {
    env: { BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' },
    timeoutMs: 300_000,
  });
  const report = JSON.parse(result.stdout || '{}') as { results?: { failed_checks: CheckovFinding[] } } | { results?: { failed_checks: CheckovFinding[] } }[];
  return (Array.isArray(report) ? report : [report]).flatMap((r) => r.results?.failed_checks ?? []);
}

const unexplained = (findings: CheckovFinding[], scenario: string) =>
  findings
    .filter(
      (f) => !CHECKOV_SKIPS.some((skip) => skip.check === f.check_id && skip.resource.test(f.resource) && (skip.scenarios ?? [scenario]).includes(scenario)),
    )
    .map((f) => `${scenario}: ${f.check_id} ${f.resource}: ${f.check_name}`);

describe('checkov (kubernetes framework)', () => {
  it('finds nothing in the matrix but the findings skipped with a written reason', async () => {
    const found: string[] = [];
    for (const scenario of MATRIX) {
      const file = join(dir, `${scenario}.yaml`);
      writeFileSync(file, (await render({ scenario })).text);
      found.push(...unexplained(await checkov(file), scenario));
    }
    expect(found).toEqual([]);
    for (const skip of CHECKOV_SKIPS) expect(skip.reason.length).toBeGreaterThan(40);
  }, 600_000);

  it('reports a privileged container with added capabilities', async () => {
    const r = await helmTemplate({
      scenario: 'default',
      set: {
        'extraContainers[0].name': 'bad',
        'extraContainers[0].image': 'busybox',
        'extraContainers[0].securityContext.privileged': 'true',
        'extraContainers[0].securityContext.capabilities.add[0]': 'SYS_ADMIN',
      },
    });
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, r.stdout);
    const ids = unexplained(await checkov(file), 'default').map((f) => f.split(' ')[1]);
    expect(ids).toEqual(expect.arrayContaining(['CKV_K8S_16', 'CKV_K8S_39']));
  }, 300_000);
});
