// OpenShift's restricted-v2 SCC runs the container under an arbitrary UID from the namespace's range
// with GID 0, and gives mounted volumes that range's fsGroup. The image must work that way: here it
// runs under podman with a random --user <uid>:0 (no /etc/passwd entry for it), the container tests'
// hardening flags, the fsGroup as a supplementary group, and its secrets in the kubelet's layout
// (root:<fsGroup> 0440), in the prod profile against the simulator over TLS. The chart's OpenShift
// renders (no fixed runAsUser/runAsGroup/fsGroup) are checked in render.test.ts and applied to the
// API server in apiserver.test.ts.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { connectHttp } from '../support/clients.js';
import { KubeletSecretDir } from './support/podman-kube.js';
import { ROOT, run, runOk } from './support/tools.js';

const IMAGE = process.env.ISPW_MCP_TEST_IMAGE ?? 'localhost/ispw-mcp:dev';
const TOKEN = 'ces-token-openshift-5e21aa';
// OpenShift assigns each namespace a block of 10000 ids from 1000000000 up.
const UID = 1_000_000_000 + Math.floor(Math.random() * 99_999) * 10_000;
const FS_GROUP = UID;
const NAME = `issue-14-chart-${process.env.ISPW_MCP_CHART_RUN_ID ?? `p${process.pid}`}-openshift-${Date.now().toString(36)}`;

const podman = (args: string[]) => run('podman', ['--runtime', process.env.PODMAN_RUNTIME ?? 'runc', ...args], { timeoutMs: 120_000 });
const podmanOk = (args: string[]) => runOk('podman', ['--runtime', process.env.PODMAN_RUNTIME ?? 'runc', ...args], { timeoutMs: 120_000 });
const HARDENING = [
  '--read-only',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--security-opt',
  `seccomp=${join(ROOT, 'deploy/seccomp/ispw-mcp.json')}`,
  ...(process.env.PODMAN_ULIMITS ?? '--ulimit nofile=4096:4096 --ulimit nproc=4096:4096').split(' '),
  // Like CRI-O on OpenShift: no /etc/passwd entry is made up for the arbitrary UID.
  '--passwd=false',
];

let sim: RunningSimulator;
let pki: TestPki;
let secrets: KubeletSecretDir;
const started: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Starts the server as OpenShift would: arbitrary UID, GID 0, and (optionally) the fsGroup. */
async function startServer(name: string, withFsGroup: boolean): Promise<number> {
  const port = await freePort();
  started.push(name);
  await podmanOk([
    'run',
    '--detach',
    '--name',
    name,
    ...HARDENING,
    '--user',
    `${UID}:0`,
    ...(withFsGroup ? ['--group-add', String(FS_GROUP)] : []),
    '--network',
    'host',
    '-v',
    `${secrets.dir}:/var/run/secrets/ispw-mcp/server:ro`,
    '-e',
    'ISPW_MCP_PROFILE=prod',
    '-e',
    `ISPW_MCP_CES_URL=${sim.url}`,
    '-e',
    `ISPW_MCP_SRID=${DEMO.srid}`,
    '-e',
    'ISPW_MCP_CES_TOKEN_FILE=/var/run/secrets/ispw-mcp/server/ces.token',
    '-e',
    'ISPW_MCP_CA_FILE=/var/run/secrets/ispw-mcp/server/ca.crt',
    '-e',
    'ISPW_MCP_CA_MODE=replace',
    '-e',
    'ISPW_MCP_HOST=127.0.0.1',
    '-e',
    `ISPW_MCP_PORT=${port}`,
    '-e',
    'ISPW_MCP_HTTP_SESSIONS=stateless',
    IMAGE,
    'serve',
    '--transport',
    'http',
  ]);
  return port;
}

beforeAll(async () => {
  pki = await createTestPki();
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0, tls: { cert: pki.server.cert, key: pki.server.key } });
  secrets = new KubeletSecretDir(FS_GROUP, { 'ces.token': TOKEN, 'ca.crt': pki.ca.cert });
});
afterAll(async () => {
  for (const name of started) await podman(['rm', '--force', '--time', '0', name]);
  await sim?.close();
  secrets?.remove();
});

describe(`the image under an arbitrary UID (${UID}) with GID 0, as on OpenShift`, () => {
  let port: number;
  const name = `${NAME}-server`;
  beforeAll(async () => {
    port = await startServer(name, true);
    for (let i = 0; i < 200 && (await readyz(port)) !== 200; i++) await new Promise((r) => setTimeout(r, 150));
  }, 120_000);

  it('becomes ready and serves a tool call that reaches CES, in the prod profile', async () => {
    if ((await readyz(port)) !== 200) {
      const logs = await podman(['logs', name]);
      throw new Error(`not ready:\n${logs.stderr}${logs.stdout}`);
    }
    const { client } = await connectHttp(`http://127.0.0.1:${port}/mcp`, '2026');
    try {
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('runs as that UID with GID 0 and the fsGroup, writing nothing', async () => {
    const pid = (await podmanOk(['inspect', '--format', '{{.State.Pid}}', name])).trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(new RegExp(`^Uid:\\s+${UID}\\s+${UID}\\s+${UID}\\s+${UID}$`, 'm'));
    expect(status).toMatch(/^Gid:\s+0\s+0\s+0\s+0$/m);
    expect(status).toMatch(new RegExp(`^Groups:.*\\b${FS_GROUP}\\b`, 'm'));
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(
      (await podmanOk(['diff', name]))
        .trim()
        .split('\n')
        .filter((l) => l && !/^[AC] \/var(\/run(\/secrets(\/ispw-mcp(\/server)?)?)?)?$/.test(l)),
    ).toEqual([]);
  });

  it('can read every file of the application and the runtime (group 0 or world readable)', async () => {
    const script = `
      const fs = require('fs'), path = require('path'); let files = 0; const unreadable = [];
      const walk = (dir) => { for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.isFile()) { files++; try { fs.accessSync(p, fs.constants.R_OK); } catch { unreadable.push(p); } }
      } };
      walk('/app'); walk('/nodejs');
      console.log(JSON.stringify({ files, unreadable }));`;
    const out = await podmanOk(['exec', name, '/nodejs/bin/node', '-e', script]);
    const { files, unreadable } = JSON.parse(out) as { files: number; unreadable: string[] };
    // The walk saw the whole tree: the bundled server (entry, chunks, maps), the kept packages'
    // package.json and licences, and the Node runtime — about 470 files since the bundle.
    expect(files).toBeGreaterThan(300);
    expect(unreadable).toEqual([]);
  });
});

describe('without the fsGroup', () => {
  it('cannot read the root:<fsGroup> 0440 secret files, and says it is not ready (the group matters)', async () => {
    const name = `${NAME}-nogroup`;
    const port = await startServer(name, false);
    let status = 0;
    for (let i = 0; i < 200; i++) {
      status = await readyz(port);
      if (status === 503) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    const logs = await podman(['logs', name]);
    expect(status, logs.stderr).toBe(503);
    expect(logs.stderr + logs.stdout).not.toContain(TOKEN);
  }, 60_000);
});
