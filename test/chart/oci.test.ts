// The chart as users get it: `helm package`, `helm push` to an OCI registry (crane's registry on a
// loopback port, with its blobs on disk), then `helm template` / `helm show` straight from
// oci:// — by version and by digest — giving exactly what the source tree renders; and
// `helm install`, `upgrade` and `rollback` from oci:// against the test's kube-apiserver.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';

import { helmTemplateArgs, valuesFile } from './support/render.js';
import { CHART, KUBE_VERSION, run, runOk, tool } from './support/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-oci-'));
// helm keeps registry settings and its cache here, not in the user's home.
const helmEnv = { HELM_CONFIG_HOME: join(dir, 'config'), HELM_CACHE_HOME: join(dir, 'cache'), HELM_DATA_HOME: join(dir, 'data') };
const helm = (args: string[]) => runOk(tool('helm'), args, { env: helmEnv });
let registry: ChildProcess;
let address: string;
let chartVersion: string;

beforeAll(async () => {
  // crane does not print the port it picked for :0, so the test picks a free one.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  address = `127.0.0.1:${port}`;
  mkdirSync(join(dir, 'blobs'));
  registry = spawn(tool('crane'), ['registry', 'serve', '--address', address, '--disk', join(dir, 'blobs')], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://${address}/v2/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (registry.exitCode !== null || i > 200) throw new Error(`crane registry serve did not come up on ${address}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  chartVersion = (parse(await helm(['show', 'chart', CHART])) as { version: string }).version;
}, 60_000);

afterAll(async () => {
  if (registry && registry.exitCode === null) {
    const exited = new Promise((resolve) => registry.once('exit', resolve));
    registry.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the chart from an OCI registry', () => {
  let digest: string;

  it('packages and pushes', async () => {
    await helm(['package', CHART, '--destination', join(dir, 'pkg')]);
    const packaged = readdirSync(join(dir, 'pkg'));
    expect(packaged).toEqual([`ispw-mcp-${chartVersion}.tgz`]);
    const pushed = await run(tool('helm'), ['push', join(dir, 'pkg', packaged[0]!), `oci://${address}/charts`, '--plain-http'], { env: helmEnv });
    expect(pushed.code, pushed.stderr).toBe(0);
    digest = /Digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout + pushed.stderr)![1]!;
  });

  it('leaves the values matrix and the README template out of the package, keeps the schema and README', async () => {
    const files = (await runOk('tar', ['-tzf', join(dir, 'pkg', `ispw-mcp-${chartVersion}.tgz`)])).split('\n');
    expect(files).toContain('ispw-mcp/values.schema.json');
    expect(files).toContain('ispw-mcp/README.md');
    expect(files.some((f) => f.startsWith('ispw-mcp/ci/'))).toBe(false);
    expect(files).not.toContain('ispw-mcp/README.template.md');
  });

  it.each(['default', 'prod-mtls-ingress-externalsecret', 'sidecar-job'])('renders %s from oci:// exactly as from the source tree', async (scenario) => {
    const local = await helm(helmTemplateArgs({ scenario }));
    const args = helmTemplateArgs({ scenario, chart: `oci://${address}/charts/ispw-mcp` });
    const remote = await helm([...args, '--version', chartVersion, '--plain-http']);
    expect(remote).toBe(local);
  });

  it('installs by digest, and refuses a wrong digest', async () => {
    const byDigest = await helm([
      'template',
      'ispw',
      `oci://${address}/charts/ispw-mcp@${digest}`,
      '--plain-http',
      '--kube-version',
      KUBE_VERSION,
      '--values',
      valuesFile('default'),
    ]);
    expect(byDigest).toMatch(/kind: Deployment/);
    const wrong = await run(
      tool('helm'),
      ['template', 'ispw', `oci://${address}/charts/ispw-mcp@sha256:${'0'.repeat(64)}`, '--plain-http', '--kube-version', KUBE_VERSION],
      { env: helmEnv },
    );
    expect(wrong.code).not.toBe(0);
  });

  it('shows the values schema and README to users of the registry', async () => {
    const readme = await helm(['show', 'readme', `oci://${address}/charts/ispw-mcp`, '--version', chartVersion, '--plain-http']);
    expect(readme).toMatch(/# ispw-mcp Helm chart/);
    const values = await helm(['show', 'values', `oci://${address}/charts/ispw-mcp`, '--version', chartVersion, '--plain-http']);
    expect(values).toMatch(/^topology: service$/m);
  });
});

describe('helm install, upgrade and rollback from oci:// against the API server', () => {
  const namespace = 'chart-helm-release';
  const kube = { ...helmEnv, KUBECONFIG: inject('kubeconfig') };
  const helmKube = (args: string[]) => run(tool('helm'), [...args, '--namespace', namespace], { env: kube });
  const kubectl = (args: string[]) => runOk(tool('kubectl'), ['--kubeconfig', inject('kubeconfig'), '--namespace', namespace, ...args]);
  const checksum = async () =>
    (await kubectl(['get', 'deployment', 'ispw-ispw-mcp', '-o', "jsonpath={.spec.template.metadata.annotations['checksum/config']}"])).trim();
  let original: string;

  beforeAll(async () => {
    await runOk(tool('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'create', 'namespace', namespace]);
    await runOk(tool('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'label', 'namespace', namespace, 'pod-security.kubernetes.io/enforce=restricted']);
  });

  it('installs, and prints the notes', async () => {
    const installed = await helmKube([
      'install',
      'ispw',
      `oci://${address}/charts/ispw-mcp`,
      '--version',
      chartVersion,
      '--plain-http',
      '--values',
      valuesFile('default'),
    ]);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stderr).not.toMatch(/violate/i);
    expect(installed.stdout).toMatch(/STATUS: deployed/);
    expect(installed.stdout).toMatch(/https?:\/\/ispw-ispw-mcp\.chart-helm-release\.svc:8080\/mcp/);
    expect(installed.stdout).toMatch(/helm test ispw -n chart-helm-release/);
    original = await checksum();
    expect(original).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses an upgrade with values the schema refuses, and keeps the release', async () => {
    const refused = await helmKube([
      'upgrade',
      'ispw',
      `oci://${address}/charts/ispw-mcp`,
      '--version',
      chartVersion,
      '--plain-http',
      '--values',
      valuesFile('default'),
      '--set',
      'replicas=3',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/additional properties 'replicas' not allowed/);
    expect(await checksum()).toBe(original);
  });

  it('upgrades with a changed configuration (a new pod template), then rolls back to the first', async () => {
    const upgraded = await helmKube([
      'upgrade',
      'ispw',
      `oci://${address}/charts/ispw-mcp`,
      '--version',
      chartVersion,
      '--plain-http',
      '--values',
      valuesFile('default'),
      '--set',
      'log.level=debug',
    ]);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(await checksum()).not.toBe(original);
    const rolledBack = await helmKube(['rollback', 'ispw', '1']);
    expect(rolledBack.code, rolledBack.stderr).toBe(0);
    expect(await checksum()).toBe(original);
    const history = JSON.parse((await helmKube(['history', 'ispw', '-o', 'json'])).stdout) as { revision: number; status: string }[];
    expect(history.map((h) => h.revision)).toEqual([1, 2, 3]);
    expect(history.at(-1)!.status).toBe('deployed');
    const uninstalled = await helmKube(['uninstall', 'ispw']);
    expect(uninstalled.code, uninstalled.stderr).toBe(0);
  });
});
