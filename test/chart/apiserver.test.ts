// Every render of the values matrix applied to a real kube-apiserver (with the operators' CRDs
// installed), each into its own namespace labelled pod-security.kubernetes.io/enforce=restricted:
// the API server accepts every object without a Pod Security warning; the controller manager creates
// the ReplicaSets and Pods (Jobs: Pods) with exactly the rendered security context; the HPA and PDB
// keep their fields. PodSecurity admission refuses a variant that runs as root or adds a capability:
// as a bare Pod (--dry-run=server) and, for a Deployment, as the ReplicaSet's FailedCreate event.
// No kubelet runs, so pods are admitted and stored but never started (podman.test.ts runs one).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';

import { type K8sObject, type Loose, MATRIX, podSpecOf, render } from './support/render.js';
import { CHART, KUBE_VERSION, ROOT, run, runOk, tool } from './support/tools.js';

const kubeconfig = inject('kubeconfig');
const kubectl = (args: string[], input?: string) => run(tool('kubectl'), ['--kubeconfig', kubeconfig, ...args], input === undefined ? {} : { input });
const kubectlOk = (args: string[], input?: string) => runOk(tool('kubectl'), ['--kubeconfig', kubeconfig, ...args], input === undefined ? {} : { input });
const getJson = async (args: string[]): Promise<Loose> => JSON.parse(await kubectlOk([...args, '-o', 'json']));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const RESTRICTED_LABELS = [
  'pod-security.kubernetes.io/enforce=restricted',
  'pod-security.kubernetes.io/enforce-version=latest',
  'pod-security.kubernetes.io/warn=restricted',
  'pod-security.kubernetes.io/audit=restricted',
];
async function restrictedNamespace(name: string): Promise<string> {
  await kubectlOk(['create', 'namespace', name]);
  await kubectlOk(['label', 'namespace', name, ...RESTRICTED_LABELS]);
  return name;
}

/** The pods a workload's controller created (Deployment → ReplicaSet → Pods, Job → Pods). */
async function podsOf(namespace: string, count: number): Promise<Loose[]> {
  return eventually(`${count} pod(s) in ${namespace}`, async () => {
    const pods = (await getJson(['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/instance=ispw,app.kubernetes.io/component!=test'])).items as Loose[];
    return pods.length >= count ? pods : undefined;
  });
}

describe.each(MATRIX)('scenario %s applied to the API server', (scenario) => {
  const namespace = `chart-${scenario}`.slice(0, 63);
  let objects: K8sObject[];
  let applied: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    await restrictedNamespace(namespace);
    const r = await render({ scenario, namespace });
    objects = r.objects;
    // A cluster prerequisite of a scenario: its PriorityClass (priority admission refuses pods without it).
    for (const name of new Set(objects.map((o) => (o.kind === 'Deployment' ? podSpecOf(o).priorityClassName : undefined)).filter(Boolean))) {
      if ((await kubectl(['get', 'priorityclass', name])).code !== 0)
        await kubectlOk(['create', 'priorityclass', name, '--value=100000', '--description=chart test']);
    }
    applied = await kubectl(['apply', '--server-side', '--field-manager=chart-test', '-f', '-'], r.text);
  });

  it('accepts every object, with no Pod Security warning', async () => {
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toMatch(/violate|PodSecurity/i);
    for (const o of objects) {
      const stored = await getJson([
        'get',
        `${o.kind}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''),
        o.metadata.name,
        '-n',
        namespace,
      ]);
      expect(stored.metadata.uid, `${o.kind}/${o.metadata.name}`).toBeTruthy();
    }
  });

  it('the controllers create pods with exactly the rendered security context', async () => {
    const workloads = objects.filter((o) => ['Deployment', 'Job', 'CronJob'].includes(o.kind));
    for (const workload of workloads) {
      if (workload.kind === 'CronJob') {
        // A CronJob starts Jobs on its schedule; start one now, as `kubectl create job --from` does.
        await kubectlOk(['create', 'job', '--from', `cronjob/${workload.metadata.name}`, 'manual-run', '-n', namespace]);
      }
      const expected = podSpecOf(workload);
      // The HPA controller scales a Deployment without replicas up to its minimum at once.
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
      const replicas = workload.kind === 'Deployment' ? (workload.spec.replicas ?? hpa?.spec.minReplicas ?? 1) : 1;
      const pods = await podsOf(namespace, replicas);
      expect(pods).toHaveLength(replicas);
      for (const pod of pods) {
        const owner = pod.metadata.ownerReferences[0];
        expect(owner.kind).toBe(workload.kind === 'Deployment' ? 'ReplicaSet' : 'Job');
        expect(pod.spec.securityContext).toEqual(expected.securityContext);
        const byName = (list: Loose[] | undefined) => Object.fromEntries((list ?? []).map((c: Loose) => [c.name, c]));
        for (const kind of ['initContainers', 'containers'] as const) {
          const want = byName(expected[kind]);
          const got = byName(pod.spec[kind]);
          expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
          for (const [name, container] of Object.entries(want)) {
            expect(got[name].securityContext, `${kind} ${name}`).toEqual((container as Loose).securityContext);
            if (kind === 'initContainers') expect(got[name].restartPolicy).toBe('Always'); // the native sidecar
          }
        }
        expect(pod.spec.automountServiceAccountToken).toBe(false);
        expect(pod.spec.volumes.some((v: Loose) => v.projected?.sources?.some((s: Loose) => s.serviceAccountToken))).toBe(false);
      }
    }
    const failed = (await getJson(['get', 'events', '-n', namespace, '--field-selector', 'reason=FailedCreate'])).items;
    expect(failed.map((e: Loose) => e.message)).toEqual([]);
  });
});

describe('HPA and PDB as stored by the API server', () => {
  it('keeps the intended fields (hpa-custom-metric scenario)', async () => {
    const namespace = 'chart-hpa-custom-metric';
    const hpa = await getJson(['get', 'hpa', 'ispw-ispw-mcp', '-n', namespace]);
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ispw-ispw-mcp' },
      minReplicas: 3,
      maxReplicas: 10,
      behavior: { scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] } },
    });
    expect(hpa.spec.metrics).toContainEqual({
      type: 'Pods',
      pods: { metric: { name: 'ispw_mcp_inflight_tool_calls' }, target: { type: 'AverageValue', averageValue: '300' } },
    });
    const pdb = await getJson(['get', 'pdb', 'ispw-ispw-mcp', '-n', namespace]);
    expect(pdb.spec).toMatchObject({
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'ispw-mcp' } },
    });
  });
});

describe('PodSecurity admission refuses what restricted forbids', () => {
  let namespace: string;
  let template: Loose;
  beforeAll(async () => {
    namespace = await restrictedNamespace('chart-psa-negative');
    template = (await render({ scenario: 'default', namespace })).one('Deployment').spec.template;
  });

  const bare = (mutate: (spec: Loose) => void, name: string) => {
    const spec = structuredClone(template.spec);
    mutate(spec);
    return stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: { app: 'psa-probe' } }, spec });
  };
  const dryRun = (manifest: string) => kubectl(['apply', '--dry-run=server', '-f', '-'], manifest);

  it("admits the chart's own pod (the control for the cases below)", async () => {
    await kubectlOk(['create', 'serviceaccount', 'ispw-ispw-mcp', '-n', namespace]);
    const result = await dryRun(bare(() => undefined, 'as-rendered'));
    expect(result.code, result.stderr).toBe(0);
  });

  it.each([
    [
      'runs as root',
      (s: Loose) => {
        s.containers[0].securityContext.runAsUser = 0;
      },
      /runAsUser=0/,
    ],
    [
      'adds a capability',
      (s: Loose) => {
        s.containers[0].securityContext.capabilities.add = ['NET_ADMIN'];
      },
      /unrestricted capabilities.*NET_ADMIN/,
    ],
    [
      'allows privilege escalation',
      (s: Loose) => {
        s.containers[0].securityContext.allowPrivilegeEscalation = true;
      },
      /allowPrivilegeEscalation != false/,
    ],
    [
      'mounts a hostPath',
      (s: Loose) => {
        s.volumes.push({ name: 'host', hostPath: { path: '/etc' } });
      },
      /restricted volume type "hostPath"/,
    ],
    [
      'drops the seccomp profile',
      (s: Loose) => {
        delete s.securityContext.seccompProfile;
        delete s.containers[0].securityContext.seccompProfile;
      },
      /seccompProfile/,
    ],
  ])('refuses a bare pod that %s (--dry-run=server)', async (_what, mutate, message) => {
    const result = await dryRun(bare(mutate, 'variant'));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(result.stderr).toMatch(message);
  });

  it('a Deployment that runs as root is stored with a warning, and its ReplicaSet cannot create a pod (FailedCreate)', async () => {
    const r = await render({ scenario: 'default', namespace, release: 'rootvariant' });
    const deployment = r.one('Deployment');
    deployment.spec.template.spec.securityContext.runAsUser = 0;
    deployment.spec.template.spec.containers[0].securityContext.runAsUser = 0;
    deployment.spec.template.spec.containers[0].securityContext.capabilities.add = ['NET_ADMIN'];
    await kubectlOk(['create', 'serviceaccount', 'rootvariant-ispw-mcp', '-n', namespace]);
    const applied = await kubectl(['apply', '-f', '-'], stringify(deployment));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toMatch(/would violate PodSecurity "restricted:latest"/);
    const event = await eventually('a FailedCreate event', async () => {
      const items = (await getJson(['get', 'events', '-n', namespace, '--field-selector', 'reason=FailedCreate'])).items as Loose[];
      return items.find((e) => e.involvedObject.kind === 'ReplicaSet' && /rootvariant/.test(e.involvedObject.name));
    });
    expect(event.message).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(event.message).toMatch(/runAsUser=0/);
    const pods = (await getJson(['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/instance=rootvariant'])).items;
    expect(pods).toEqual([]);
  });
});

describe('an agent chart that includes the sidecar templates (library use)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-agent-chart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders its own Deployment with ispw-mcp as a native sidecar, and the API server admits it under restricted', async () => {
    const chart = join(dir, 'agent');
    cpSync(join(ROOT, 'test/chart/fixtures/agent-chart'), chart, { recursive: true });
    cpSync(CHART, join(chart, 'charts/ispw-mcp'), { recursive: true });
    const namespace = await restrictedNamespace('chart-agent-library');
    const text = await runOk(tool('helm'), ['template', 'agent', chart, '--namespace', namespace, '--kube-version', KUBE_VERSION]);
    writeFileSync(join(dir, 'agent.yaml'), text);
    const applied = await kubectl(['apply', '--server-side', '--field-manager=chart-test', '-f', join(dir, 'agent.yaml')]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toMatch(/violate/i);
    // The subchart renders the supporting objects; the agent's own Deployment carries the sidecar.
    const kinds = (await getJson(['get', 'configmaps,networkpolicies,deployments', '-n', namespace])).items.map((o: Loose) => `${o.kind}/${o.metadata.name}`);
    expect(kinds, JSON.stringify(kinds)).toEqual(
      expect.arrayContaining(['ConfigMap/agent-ispw-mcp-config', 'NetworkPolicy/agent-ispw-mcp', 'Deployment/release-agent']),
    );
    expect(kinds).not.toContain('Deployment/agent-ispw-mcp');
    const pod = (
      await eventually('the agent pod', async () => {
        const items = (await getJson(['get', 'pods', '-n', namespace, '-l', 'app=release-agent'])).items as Loose[];
        return items.length === 1 ? items : undefined;
      })
    )[0];
    expect(pod.spec.initContainers.map((c: Loose) => [c.name, c.restartPolicy])).toEqual([['ispw-mcp', 'Always']]);
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'ISPW_MCP_URL', value: 'http://127.0.0.1:8080/mcp' });
    const policy = await getJson(['get', 'networkpolicy', 'agent-ispw-mcp', '-n', namespace]);
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'release-agent' } });
    expect(policy.spec.ingress ?? []).toEqual([]);
    expect(readFileSync(join(dir, 'agent.yaml'), 'utf8')).toMatch(/checksum\/config/);
  });
});
