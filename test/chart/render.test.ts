// What every render of the values matrix promises, checked object by object: Pod Security
// `restricted` on every pod (and the read-only root the standard leaves out), no ServiceAccount
// token, secrets only as mounted directories in the layout the server watches, a configuration the
// server itself accepts (`ispw-mcp config check`), the shutdown arithmetic, checksums that roll the
// pods, network policies that allow only what the server needs, and the topology-specific shape.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { type K8sObject, type Loose, MATRIX, podSpecOf, type Render, render, valuesFile, WORKLOAD_KINDS } from './support/render.js';
import { restrictedViolations } from './support/pod-security.js';
import { ROOT, run } from './support/tools.js';

const renders = new Map<string, Render>();
const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-render-'));
beforeAll(async () => {
  for (const scenario of MATRIX) renders.set(scenario, await render({ scenario }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (scenario: string) => renders.get(scenario)!;
const workloads = (r: Render) => r.objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
const serverWorkload = (r: Render) => workloads(r).find((o) => o.metadata.labels?.['app.kubernetes.io/component'] !== 'test')!;
const serverContainer = (r: Render): Loose => {
  const spec = podSpecOf(serverWorkload(r));
  return [...(spec.initContainers ?? []), ...spec.containers].find((c: Loose) => c.name === 'ispw-mcp');
};
const configOf = (r: Render): Loose => parse(r.one('ConfigMap', 'ispw-ispw-mcp-config').data!['ispw-mcp.yaml']!);
const valuesOf = (scenario: string): Loose => parse(readFileSync(valuesFile(scenario), 'utf8'));

describe.each(MATRIX)('scenario %s', (scenario) => {
  it('every pod meets Pod Security restricted, read-only root included', () => {
    const r = get(scenario);
    expect(workloads(r).length).toBeGreaterThan(0);
    const openshift = valuesOf(scenario).openshift === true;
    expect(restrictedViolations(r.objects, { openshift })).toEqual([]);
  });

  it('mounts every secret as a read-only directory (never subPath, mode 0440) where the config expects it', () => {
    const r = get(scenario);
    const spec = podSpecOf(serverWorkload(r));
    const container = serverContainer(r);
    for (const mount of container.volumeMounts) expect(mount.subPath, mount.name).toBeUndefined();
    for (const volume of spec.volumes) if (volume.secret) expect(volume.secret.defaultMode, volume.name).toBe(0o440);
    // Every file the configuration names lies under a mount of the server container.
    const config = configOf(r);
    const files: string[] = [
      ...config.ces.instances.flatMap((i: Loose) => [i.tokenFile, i.caFile, i.clientCertFile, i.clientKeyFile, i.clientKeyPassphraseFile]),
      config.auth?.tls?.certFile,
      config.auth?.tls?.keyFile,
      config.auth?.tls?.clientCaFile,
      config.access.policyFile,
      config.access.confirmKeyFile,
      config.identity.userTokenDir,
    ].filter(Boolean);
    for (const file of files) {
      expect(
        container.volumeMounts.some((m: Loose) => file === m.mountPath || file.startsWith(`${m.mountPath}/`)),
        file,
      ).toBe(true);
    }
    // Secrets never reach the environment.
    for (const env of container.env) expect(env.valueFrom?.secretKeyRef, env.name).toBeUndefined();
    expect(JSON.stringify(config)).not.toMatch(/"token":/);
  });

  it('renders a configuration the server accepts under its profile (ispw-mcp config check)', async () => {
    const file = join(dir, `${scenario}.yaml`);
    writeFileSync(file, get(scenario).one('ConfigMap', 'ispw-ispw-mcp-config').data!['ispw-mcp.yaml']!);
    // A clean environment: the server's prod profile refuses unknown ISPW_MCP_* variables (the test's own).
    const result = await run(process.execPath, [join(ROOT, 'dist/src/main.js'), 'config', 'check', '--config', file], {
      env: { PATH: process.env.PATH ?? '' },
      replaceEnv: true,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Result: OK/);
  });

  it('gives the server time to drain: terminationGracePeriodSeconds = preStop sleep + grace + exit margin + headroom', () => {
    const r = get(scenario);
    const spec = podSpecOf(serverWorkload(r));
    const container = serverContainer(r);
    expect(configOf(r).shutdown.graceSeconds).toBe(25);
    if (configOf(r).http.host === '127.0.0.1') {
      // The sidecar: nothing to drain from a load balancer, so no preStop sleep.
      expect(container.lifecycle).toBeUndefined();
      expect(spec.terminationGracePeriodSeconds).toBe(25 + 5 + 5);
    } else {
      expect(container.lifecycle.preStop.sleep.seconds).toBe(5);
      expect(spec.terminationGracePeriodSeconds).toBe(5 + 25 + 5 + 5);
    }
  });

  it('carries no Secret with data unless the profile is dev', () => {
    const r = get(scenario);
    const secrets = r.all('Secret');
    if (configOf(r).profile === 'dev') return;
    expect(secrets).toEqual([]);
  });

  it('labels every object with the chart labels', () => {
    for (const o of get(scenario).objects) {
      expect(o.metadata.labels?.['app.kubernetes.io/instance'], `${o.kind}/${o.metadata.name}`).toBe('ispw');
      expect(o.metadata.labels?.['helm.sh/chart'], `${o.kind}/${o.metadata.name}`).toBe('ispw-mcp-0.1.0');
    }
  });
});

describe('the Pod Security check itself', () => {
  it('finds what restricted forbids: a privileged, root, capability-adding container beside the server, a hostPath volume', async () => {
    const r = await render({
      scenario: 'default',
      valuesFiles: [],
      set: {
        'extraContainers[0].name': 'bad',
        'extraContainers[0].image': 'busybox',
        'extraContainers[0].securityContext.privileged': 'true',
        'extraContainers[0].securityContext.runAsUser': '0',
        'extraContainers[0].securityContext.capabilities.add[0]': 'NET_ADMIN',
        'extraVolumes[0].name': 'host',
        'extraVolumes[0].hostPath.path': '/etc',
      },
    });
    const violations = restrictedViolations(r.objects, { openshift: false });
    expect(violations).toEqual(
      expect.arrayContaining([
        'Deployment/ispw-ispw-mcp container bad: privileged',
        'Deployment/ispw-ispw-mcp container bad: adds capabilities',
        'Deployment/ispw-ispw-mcp container bad: runs as root',
        'Deployment/ispw-ispw-mcp container bad: capabilities not dropped',
        'Deployment/ispw-ispw-mcp container bad: root filesystem is writable',
        'Deployment/ispw-ispw-mcp: volume host is a hostPath',
      ]),
    );
    // And an OpenShift expectation catches a fixed UID.
    expect(restrictedViolations(get('default').objects, { openshift: true })).toContain('Deployment/ispw-ispw-mcp: runAsUser is fixed on OpenShift');
  });
});

describe('config passthrough', () => {
  it('the server refuses a mistyped setting inside a config section (the check the chart schema leaves to it)', async () => {
    const r = await render({ scenario: 'default', set: { 'config.wait.maxWaitSecs': '900' } });
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, r.one('ConfigMap', 'ispw-ispw-mcp-config').data!['ispw-mcp.yaml']!);
    const result = await run(process.execPath, [join(ROOT, 'dist/src/main.js'), 'config', 'check', '--config', file], {
      env: { PATH: process.env.PATH ?? '' },
      replaceEnv: true,
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/wait.maxWaitSecs.*unknown/);
  });
});

describe('topology B (service)', () => {
  it('runs 2 stateless replicas with a PodDisruptionBudget, spread across zones and nodes', () => {
    const r = get('default');
    const deployment = r.one('Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(configOf(r).http.sessions).toBe('stateless');
    expect(r.one('PodDisruptionBudget').spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const keys = deployment.spec.template.spec.topologySpreadConstraints.map((c: Loose) => c.topologyKey).sort();
    expect(keys).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
  });

  it('renders no PodDisruptionBudget for a single replica (it would block node drains)', async () => {
    const single = await render({ scenario: 'dev-inline' });
    expect(single.one('Deployment').spec.replicas).toBe(1);
    expect(single.all('PodDisruptionBudget')).toEqual([]);
  });

  it('probes /livez and /readyz on the plain metrics port, whatever the MCP listener requires', () => {
    const container = serverContainer(get('prod-mtls-ingress-externalsecret'));
    expect(container.startupProbe.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(configOf(get('prod-mtls-ingress-externalsecret')).metrics).toEqual({ host: '0.0.0.0', port: 9090 });
  });

  it('rolls the pods when the configuration changes, but not when only the policy does (the server re-reads it)', async () => {
    const checksum = (r: Render) => r.one('Deployment').spec.template.metadata.annotations['checksum/config'];
    const base = get('prod-mtls-ingress-externalsecret');
    const changedConfig = await render({ scenario: 'prod-mtls-ingress-externalsecret', set: { 'log.level': 'debug' } });
    const changedPolicy = await render({ scenario: 'prod-mtls-ingress-externalsecret', set: { 'access.policy.default': 'deny' } });
    expect(checksum(changedConfig)).not.toBe(checksum(base));
    expect(checksum(changedPolicy)).toBe(checksum(base));
    expect(changedPolicy.one('ConfigMap', 'ispw-ispw-mcp-policy').data!['policy.yaml']).toMatch(/default: deny/);
  });

  it('derives terminationGracePeriodSeconds from the shutdown values, never separately', async () => {
    const r = await render({ scenario: 'default', set: { 'shutdown.graceSeconds': '120', 'shutdown.preStopSleepSeconds': '10' } });
    expect(r.one('Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(10 + 120 + 5 + 5);
    expect(configOf(r).shutdown.graceSeconds).toBe(120);
  });

  it('prod with mTLS ingress: client certificates and source ranges at the edge, TLS to the pod, OAuth and per-user identity in the server', () => {
    const r = get('prod-mtls-ingress-externalsecret');
    const annotations = r.one('Ingress').metadata.annotations!;
    expect(annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/auth-tls-verify-client': 'on',
      'nginx.ingress.kubernetes.io/auth-tls-secret': 'ingress-nginx/mcp-client-ca',
      'nginx.ingress.kubernetes.io/whitelist-source-range': '10.0.0.0/8,192.168.10.0/24',
      'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS',
      'nginx.ingress.kubernetes.io/proxy-ssl-verify': 'on',
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
    });
    const config = configOf(r);
    expect(config.auth).toMatchObject({ issuer: 'https://login.example.com/realms/mainframe', audience: 'https://ispw-mcp.example.com/mcp' });
    expect(config.auth.tls.clientCaFile).toBe('/etc/ispw-mcp/client-ca/ca.crt');
    expect(config.http.allowedHosts).toContain('ispw-mcp.example.com');
    expect(config.identity).toMatchObject({ mode: 'per-user', userTokenDir: '/var/run/secrets/ispw-mcp/users' });
    const externalSecrets = r.all('ExternalSecret');
    expect(externalSecrets.map((e) => e.spec.target.name).sort()).toEqual(['ispw-ispw-mcp-secrets', 'ispw-ispw-mcp-users']);
    const certificates = r.all('Certificate');
    expect(certificates.map((c) => c.spec.usages[0]).sort()).toEqual(['client auth', 'server auth']);
    expect(r.one('Certificate', 'ispw-ispw-mcp-listener').spec.dnsNames).toContain('ispw-ispw-mcp.ispw-mcp.svc');
    expect(r.one('ServiceMonitor').spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
    expect(serverContainer(r).image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('CSI: the server secret and the token directory come from SecretProviderClass volumes; Gateway API route with backend TLS', () => {
    const r = get('csi');
    const volumes = podSpecOf(r.one('Deployment')).volumes;
    expect(volumes.find((v: Loose) => v.name === 'ispw-mcp-secrets').csi).toEqual({
      driver: 'secrets-store.csi.k8s.io',
      readOnly: true,
      volumeAttributes: { secretProviderClass: 'ispw-ispw-mcp-secrets' },
    });
    expect(volumes.find((v: Loose) => v.name === 'ispw-mcp-users').csi.volumeAttributes.secretProviderClass).toBe('ispw-mcp-user-tokens');
    expect(r.one('SecretProviderClass').spec.provider).toBe('vault');
    expect(r.one('HTTPRoute').spec.rules[0].backendRefs[0]).toEqual({ name: 'ispw-ispw-mcp', port: 8080 });
    expect(r.one('BackendTLSPolicy').spec.validation.hostname).toBe('ispw-ispw-mcp.ispw-mcp.svc');
    expect(r.one('ConfigMap', 'ispw-ispw-mcp-ca-prod-plex').data!['ca.crt']).toMatch(/BEGIN CERTIFICATE/);
  });

  it('routes CES callbacks (/ces-events/) at the edge only when config.wait.callbackUrl is set, and the server accepts the setting', async () => {
    const paths = (r: Render) => r.one('Ingress').spec.rules[0].http.paths.map((p: Loose) => p.path);
    const routes = (r: Render) => r.one('HTTPRoute').spec.rules[0].matches.map((m: Loose) => m.path.value);
    expect(paths(get('prod-mtls-ingress-externalsecret'))).not.toContain('/ces-events/');
    expect(routes(get('csi'))).not.toContain('/ces-events/');
    const set = { 'config.wait.callbackUrl': 'https://ispw-mcp.example.com' };
    const ingress = await render({ scenario: 'prod-mtls-ingress-externalsecret', set });
    expect(paths(ingress)).toEqual(['/mcp', '/.well-known/oauth-protected-resource', '/ces-events/']);
    expect(configOf(ingress).wait).toMatchObject({ callbackUrl: 'https://ispw-mcp.example.com' });
    expect(routes(await render({ scenario: 'csi', set }))).toEqual(['/mcp', '/.well-known/oauth-protected-resource', '/ces-events/']);
  });

  it('HPA on CPU, memory and calls in flight, scaling down slowly so long set waits are not cut', () => {
    const r = get('hpa-custom-metric');
    expect(r.one('Deployment').spec.replicas).toBeUndefined();
    const hpa = r.one('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(hpa.spec.metrics.map((m: Loose) => m.resource?.name ?? m.pods.metric.name)).toEqual(['cpu', 'memory', 'ispw_mcp_inflight_tool_calls']);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
    const spec = podSpecOf(r.one('Deployment'));
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'operator/ispw-mcp/ispw-mcp.json' });
    expect(spec.securityContext.appArmorProfile).toEqual({ type: 'Localhost', localhostProfile: 'ispw-mcp' });
    expect(spec.volumes.find((v: Loose) => v.name === 'ispw-mcp-audit').persistentVolumeClaim).toEqual({ claimName: 'ispw-mcp-audit' });
    expect(serverContainer(r).env).toContainEqual({ name: 'ISPW_MCP_AUDIT_FILE', value: '/var/lib/ispw-mcp/audit/$(POD_NAME).jsonl' });
  });

  it('writes only to the audit volume: an emptyDir by default, nothing at all with audit.storage=stderr', async () => {
    const container = serverContainer(get('default'));
    const writable = container.volumeMounts.filter((m: Loose) => !m.readOnly);
    expect(writable.map((m: Loose) => m.mountPath)).toEqual(['/var/lib/ispw-mcp/audit']);
    expect(podSpecOf(get('default').one('Deployment')).volumes.find((v: Loose) => v.name === 'ispw-mcp-audit').emptyDir).toEqual({ sizeLimit: '1Gi' });
    const stderr = await render({ scenario: 'default', set: { 'audit.storage': 'stderr' } });
    expect(serverContainer(stderr).volumeMounts.filter((m: Loose) => !m.readOnly)).toEqual([]);
  });
});

describe('network policies', () => {
  const policy = (r: Render) => r.one('NetworkPolicy', 'ispw-ispw-mcp');

  it('deny by default in both directions', () => {
    for (const scenario of MATRIX) {
      const deny = get(scenario).one('NetworkPolicy', 'ispw-ispw-mcp-default-deny');
      expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(deny.spec.ingress).toBeUndefined();
      expect(deny.spec.egress).toBeUndefined();
    }
  });

  it('allow egress only to CES, DNS, the OTLP collector and the OAuth JWKS; ingress only from the named peers', () => {
    const spec = policy(get('prod-mtls-ingress-externalsecret')).spec;
    const egress = spec.egress.map((rule: Loose) => ({
      to: rule.to.map((peer: Loose) => peer.ipBlock?.cidr ?? Object.values(peer.namespaceSelector?.matchLabels ?? {})[0]),
      ports: rule.ports.map((p: Loose) => `${p.port}/${p.protocol}`),
    }));
    expect(egress).toEqual([
      { to: ['10.20.30.0/24'], ports: ['48226/TCP'] },
      { to: ['10.20.40.0/24'], ports: ['48226/TCP'] },
      { to: ['kube-system'], ports: ['53/UDP', '53/TCP'] },
      { to: ['observability'], ports: ['4318/TCP'] },
      { to: ['10.30.0.10/32'], ports: ['443/TCP'] },
    ]);
    const ingress = spec.ingress.map((rule: Loose) => rule.ports.map((p: Loose) => p.port).join());
    expect(ingress).toEqual(['http', 'metrics', 'metrics']); // agents/ingress; Prometheus; the helm test pod
  });

  it('the sidecar topology takes no inbound traffic at all', () => {
    for (const scenario of ['sidecar-deployment', 'sidecar-job', 'sidecar-cronjob']) {
      const spec = policy(get(scenario)).spec;
      expect(spec.ingress).toEqual([]);
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    }
  });

  it('Cilium: CES by host name (toFQDNs) or address, with the DNS proxy rule', () => {
    const cnp = get('cilium').one('CiliumNetworkPolicy');
    expect(cnp.spec.egress[0].toPorts[0].rules.dns).toEqual([{ matchPattern: '*' }]);
    expect(cnp.spec.egress[1]).toMatchObject({ toFQDNs: [{ matchName: 'ces.example.com' }], toPorts: [{ ports: [{ port: '48226', protocol: 'TCP' }] }] });
    expect(cnp.spec.egress[2]).toMatchObject({ toCIDR: ['10.40.0.15/32'] });
  });
});

describe('topology A (sidecar)', () => {
  it.each(['sidecar-deployment', 'sidecar-job', 'sidecar-cronjob'])('%s: a native sidecar on 127.0.0.1, exec probes, no Service or Ingress', (scenario) => {
    const r = get(scenario);
    const spec = podSpecOf(serverWorkload(r));
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0]).toMatchObject({ name: 'ispw-mcp', restartPolicy: 'Always' });
    expect(spec.initContainers[0].ports).toBeUndefined();
    expect(spec.initContainers[0].readinessProbe.exec.command).toEqual([
      '/nodejs/bin/node',
      '/app/dist/src/main.js',
      'healthcheck',
      '--url',
      'http://127.0.0.1:8080/readyz',
      '--timeout-ms',
      '4500',
    ]);
    expect(configOf(r).http.host).toBe('127.0.0.1');
    expect(configOf(r).metrics).toBeUndefined();
    expect(r.all('Service')).toEqual([]);
    expect(r.all('Ingress')).toEqual([]);
    for (const agent of spec.containers) {
      expect(agent.env).toContainEqual({ name: 'ISPW_MCP_URL', value: 'http://127.0.0.1:8080/mcp' });
      expect(agent.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
  });

  it("a Job and a CronJob never restart their pods; the agent's own security settings win where given", async () => {
    expect(podSpecOf(get('sidecar-job').one('Job')).restartPolicy).toBe('Never');
    expect(podSpecOf(get('sidecar-cronjob').one('CronJob')).restartPolicy).toBe('Never');
    const r = await render({ scenario: 'sidecar-job', set: { 'sidecar.workload.containers[0].securityContext.runAsUser': '10001' } });
    const agent = podSpecOf(r.one('Job')).containers[0];
    expect(agent.securityContext).toMatchObject({ runAsUser: 10001, readOnlyRootFilesystem: true });
  });
});

describe('OpenShift', () => {
  it.each(['security.openshift.io/v1', 'route.openshift.io/v1'])('is detected from the %s API when openshift=auto', async (api) => {
    const detected = await render({ scenario: 'default', extraArgs: ['--api-versions', api] });
    expect(podSpecOf(detected.one('Deployment')).securityContext).not.toHaveProperty('runAsUser');
    expect(podSpecOf(get('default').one('Deployment')).securityContext.runAsUser).toBe(65532);
  });
});

describe('objects the chart renders only on request', () => {
  it('no Role or RoleBinding unless rbac.create, and then only the rules given, with the token mounted', async () => {
    for (const scenario of MATRIX) expect(get(scenario).all('Role')).toEqual([]);
    const r = await render({
      scenario: 'default',
      set: { 'rbac.create': 'true', 'rbac.rules[0].apiGroups[0]': '', 'rbac.rules[0].resources[0]': 'configmaps', 'rbac.rules[0].verbs[0]': 'get' },
    });
    expect(r.one('Role').rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    expect(r.one('RoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'ispw-ispw-mcp', namespace: 'ispw-mcp' }]);
    expect(podSpecOf(r.one('Deployment')).automountServiceAccountToken).toBe(true);
  });

  it('objects in the matrix', () => {
    const kinds = new Set(MATRIX.flatMap((s) => get(s).objects.map((o: K8sObject) => o.kind)));
    expect([...kinds].sort()).toEqual(
      [
        'BackendTLSPolicy',
        'Certificate',
        'CiliumNetworkPolicy',
        'ConfigMap',
        'CronJob',
        'Deployment',
        'ExternalSecret',
        'HTTPRoute',
        'HorizontalPodAutoscaler',
        'Ingress',
        'Job',
        'NetworkPolicy',
        'Pod',
        'PodDisruptionBudget',
        'Secret',
        'SecretProviderClass',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ].sort(),
    );
  });
});
