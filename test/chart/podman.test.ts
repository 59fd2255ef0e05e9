// The pod really runs: the chart's rendered Deployment (profile prod, mutual TLS on the listener,
// mTLS and a private CA towards CES, the project's seccomp profile) played with `podman kube play`
// from the image built from this tree, with the CES simulator as a second container of the pod (the
// chart's extraContainers). An MCP client reaches the server over mutual TLS by the Service's name
// and calls a tool; the container runs with the chart's security context; a token rotated through
// the mounted Secret files takes effect without a restart. The translations podman needs to stand
// in for a kubelet are in support/podman-kube.ts.
import { request as httpRequest } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { containersConf, KubeletSecretDir, podmanManifest } from './support/podman-kube.js';
import { render } from './support/render.js';
import { ROOT, run, runOk } from './support/tools.js';

const IMAGE = process.env.ISPW_MCP_TEST_IMAGE ?? 'localhost/ispw-mcp:dev';
const [IMAGE_REPOSITORY, IMAGE_TAG] = [IMAGE.slice(0, IMAGE.lastIndexOf(':')), IMAGE.slice(IMAGE.lastIndexOf(':') + 1)];
// podman pod names are host-wide; scripts/chart/test.sh removes this run's leftovers by the prefix.
const NAME = `issue-14-chart-${process.env.ISPW_MCP_CHART_RUN_ID ?? `p${process.pid}`}-${Date.now().toString(36)}`;
const NAMESPACE = 'chart-podman';
const SERVICE_HOST = `${NAME}.${NAMESPACE}.svc`;
const TOKENS = { first: 'ces-token-first-7d1e0c', revoked: 'ces-token-revoked-33a9f1', second: 'ces-token-second-b82c44' };
const GID = 65532;

const work = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-podman-'));
const conf = containersConf(work);
const podman = (args: string[]) => run('podman', args, { env: { CONTAINERS_CONF: conf }, timeoutMs: 180_000 });
const podmanOk = (args: string[]) => runOk('podman', args, { env: { CONTAINERS_CONF: conf }, timeoutMs: 180_000 });

let pki: TestPki;
let secrets: Map<string, KubeletSecretDir>;
let manifestFile: string;
let podIp: string;
let container: string;
let agent: Agent;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(250);
  }
}

/** GET on the plain metrics port, as the kubelet's probes do. */
function probe(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: podIp, port: 9090, path, timeout: 3000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** An MCP client that reaches the pod by the Service's name over mutual TLS (a cluster DNS stand-in). */
async function mcpClient(): Promise<Client> {
  const client = new Client({ name: 'ispw-mcp-chart-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`https://${SERVICE_HOST}:8080/mcp`), {
      fetch: (url, init) => undiciFetch(url, { ...(init as object), dispatcher: agent }),
    }),
  );
  return client;
}

async function callTool(): Promise<{ isError?: boolean; structuredContent?: unknown; content?: unknown }> {
  const client = await mcpClient();
  try {
    return await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  pki = await createTestPki({ serverNames: [SERVICE_HOST, 'localhost', '127.0.0.1'] });
  secrets = new Map([
    [`${NAME}-secrets`, new KubeletSecretDir(GID, { 'podman-plex.token': TOKENS.first })],
    [`${NAME}-listener`, new KubeletSecretDir(GID, { 'tls.crt': pki.server.cert, 'tls.key': pki.server.key })],
    [`${NAME}-client-ca`, new KubeletSecretDir(GID, { 'ca.crt': pki.ca.cert })],
    [`${NAME}-ces-client`, new KubeletSecretDir(GID, { 'tls.crt': pki.client.cert, 'tls.key': pki.client.key })],
    [`${NAME}-sim-tls`, new KubeletSecretDir(GID, { 'tls.crt': pki.server.cert, 'tls.key': pki.server.key, 'ca.crt': pki.ca.cert })],
  ]);
  const restricted = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
  const values = {
    profile: 'prod',
    fullnameOverride: NAME,
    replicaCount: 1,
    image: { repository: IMAGE_REPOSITORY, tag: IMAGE_TAG, pullPolicy: 'Never' },
    ces: {
      instances: [
        {
          name: 'podman-plex',
          url: 'https://127.0.0.1:48226',
          srids: [DEMO.srid],
          cidrs: ['127.0.0.1/32'],
          caBundle: { pem: pki.ca.cert },
          caMode: 'replace',
          clientCertificate: { existingSecret: `${NAME}-ces-client` },
        },
      ],
    },
    secrets: { existingSecret: `${NAME}-secrets` },
    listener: { tls: { enabled: true, existingSecret: `${NAME}-listener`, clientCa: { secretName: `${NAME}-client-ca` }, clientScopes: ['ispw:read'] } },
    seccompProfile: { type: 'Localhost', localhostProfile: 'ispw-mcp.json' },
    // A short readiness cache, so the rotation below shows in /readyz within a second.
    config: { health: { readyCacheSeconds: 1 } },
    extraContainers: [
      {
        name: 'ces-simulator',
        image: IMAGE,
        imagePullPolicy: 'Never',
        args: [
          'simulator',
          '--host',
          '127.0.0.1',
          '--port',
          '48226',
          '--token',
          TOKENS.first,
          TOKENS.second,
          '--step-ms',
          '0',
          '--tls-cert',
          '/sim/tls.crt',
          '--tls-key',
          '/sim/tls.key',
          '--tls-ca',
          '/sim/ca.crt',
          '--require-client-cert',
        ],
        securityContext: { ...restricted, runAsUser: 65532, runAsGroup: 65532 },
        volumeMounts: [{ name: 'sim-tls', mountPath: '/sim', readOnly: true }],
      },
    ],
    extraVolumes: [{ name: 'sim-tls', secret: { secretName: `${NAME}-sim-tls`, defaultMode: 288 } }],
  };
  const valuesFile = join(work, 'values.yaml');
  writeFileSync(valuesFile, JSON.stringify(values));
  const r = await render({ namespace: NAMESPACE, valuesFiles: [valuesFile] });
  manifestFile = join(work, 'pod.yaml');
  writeFileSync(manifestFile, podmanManifest(r.objects, new Map([...secrets].map(([name, s]) => [name, s.dir]))));
  await podmanOk(['kube', 'play', '--seccomp-profile-root', join(ROOT, 'deploy/seccomp'), manifestFile]);
  const pod = `${NAME}-pod-0`;
  container = `${pod}-ispw-mcp`;
  const infra = (await podmanOk(['pod', 'inspect', pod, '--format', '{{.InfraContainerID}}'])).trim();
  podIp = (await podmanOk(['inspect', infra, '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'])).trim().split(' ')[0]!;
  expect(podIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  agent = new Agent({
    connect: (options, callback) => {
      const socket = tlsConnect({
        host: podIp,
        port: Number(options.port),
        servername: SERVICE_HOST,
        ca: pki.ca.cert,
        cert: pki.client.cert,
        key: pki.client.key,
        ALPNProtocols: ['http/1.1'],
      });
      socket.once('secureConnect', () => callback(null, socket));
      socket.once('error', (error) => callback(error, null));
    },
  });
  try {
    await eventually(
      '/readyz 200 (the server reached the simulator with its token over mTLS)',
      async () => ((await probe('/readyz')) === 200 ? true : undefined),
      90_000,
    );
  } catch (error) {
    const logs = await podman(['logs', container]);
    throw new Error(`${String(error)}\n${logs.stderr}${logs.stdout}`);
  }
}, 300_000);

afterAll(async () => {
  await agent?.close();
  if (manifestFile) await podman(['kube', 'down', manifestFile]);
  await podman(['pod', 'rm', '--force', `${NAME}-pod-0`]);
  for (const s of secrets?.values() ?? []) s.remove();
  rmSync(work, { recursive: true, force: true });
});

describe('podman kube play of the rendered Deployment', () => {
  it('answers /livez and /readyz on the metrics port', async () => {
    expect(await probe('/livez')).toBe(200);
    expect(await probe('/readyz')).toBe(200);
  });

  it('serves MCP over mutual TLS by the Service name, and a tool call reaches CES', async () => {
    const client = await mcpClient();
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('ispw_get_assignment');
    } finally {
      await client.close();
    }
    const result = await callTool();
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
  });

  it('refuses a caller without a client certificate', async () => {
    const refused = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: podIp, port: 8080, servername: SERVICE_HOST, ca: pki.ca.cert });
      socket.once('secureConnect', () => socket.write('GET /mcp HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.once('data', (data) => resolve(`data: ${String(data).slice(0, 40)}`));
      socket.once('error', (error) => resolve(`error: ${error.message}`));
      socket.once('close', () => resolve('closed'));
    });
    expect(refused).toMatch(/error|closed/);
  });

  it("runs with the chart's security context: uid/gid 65532, no capabilities, no new privileges, our seccomp profile, read-only root", async () => {
    const inspect = JSON.parse(await podmanOk(['inspect', container]))[0];
    const pid = inspect.State.Pid as number;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Seccomp:\s+2$/m);
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    // setpriority is allowed by the runtime's default profile but not by deploy/seccomp/ispw-mcp.json.
    const nice = await podman(['exec', container, '/nodejs/bin/node', '-e', 'require("os").setPriority(19)']);
    expect(nice.stderr).toMatch(/ENOSYS|not implemented/i);
    const write = await podman(['exec', container, '/nodejs/bin/node', '-e', 'require("fs").writeFileSync("/app/x", "x")']);
    expect(write.stderr).toMatch(/EROFS|read-only/i);
    // The one writable place is the audit volume (an emptyDir), where the audit file lives.
    const audit = await podmanOk(['exec', container, '/nodejs/bin/node', '-e', 'console.log(require("fs").readdirSync("/var/lib/ispw-mcp/audit").join(","))']);
    expect(audit.trim()).toMatch(/\.jsonl$/);
    // podman diff lists only the mount points the runtime created for the volumes; nothing else changed.
    const mounts = (JSON.parse(await podmanOk(['inspect', container]))[0].Mounts as { Destination: string }[]).map((m) => m.Destination);
    const changed = (await podmanOk(['diff', container]))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(2));
    expect(changed.filter((path) => !mounts.some((m) => m === path || m.startsWith(`${path}/`)))).toEqual([]);
  });

  it('follows a token rotated through the mounted Secret files, without a restart', async () => {
    const startedAt = JSON.parse(await podmanOk(['inspect', container]))[0].State.StartedAt as string;
    const secret = secrets.get(`${NAME}-secrets`)!;
    // Rotate to a token CES does not accept: the next calls fail and the replica says it is not ready.
    secret.update({ 'podman-plex.token': TOKENS.revoked });
    await eventually('/readyz 503 after rotating to a revoked token', async () => ((await probe('/readyz')) === 503 ? true : undefined));
    const refused = await callTool();
    expect(refused.isError).toBe(true);
    // Rotate to the new valid token: calls work again.
    secret.update({ 'podman-plex.token': TOKENS.second });
    await eventually('/readyz 200 after rotating to the new token', async () => ((await probe('/readyz')) === 200 ? true : undefined));
    const result = await callTool();
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const after = JSON.parse(await podmanOk(['inspect', container]))[0].State as { StartedAt: string; Restarting: boolean };
    expect(after.StartedAt).toBe(startedAt);
    const logs = await podman(['logs', container]);
    for (const token of Object.values(TOKENS)) expect(logs.stdout + logs.stderr).not.toContain(token);
  }, 180_000);
});
