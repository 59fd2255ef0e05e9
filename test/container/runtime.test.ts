// The image at run time, hardened exactly as documented (read-only root, uid 65532, no
// capabilities, no-new-privileges, our seccomp profile), against the CES simulator on the host
// (reached over host networking): stdio and HTTP MCP, /readyz, /metrics, the healthcheck exec probe,
// no shell, nothing written, and a clean SIGTERM.
import { readFileSync } from 'node:fs';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectHttp } from '../support/clients.js';
import { GLOBAL, HARDENED, IMAGE, podman, podmanOk, uniqueName } from './podman.js';

const TOKEN = 'canary-container-5f0c2d9e-1a7b';
let sim: RunningSimulator;
const containers: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => {
  for (const name of containers) await podman(['rm', '--force', '--time', '0', name]);
  await sim?.close();
});

const cesEnv = () => ['-e', `ISPW_MCP_CES_URL=${sim.url}`, '-e', `ISPW_MCP_SRID=${sim.srids[0]!}`, '-e', `ISPW_MCP_CES_TOKEN=${TOKEN}`];

describe('stdio mode (podman run -i)', () => {
  it('answers initialize, tools/list and a tool call that reaches CES', async () => {
    const client = new Client({ name: 'ispw-mcp-container-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: 'podman',
      args: [...GLOBAL, 'run', '-i', '--rm', ...HARDENED, '--network', 'host', ...cesEnv(), IMAGE],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('ispw_get_assignment');
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
    } finally {
      await client.close();
    }
    expect(stderr).not.toContain(TOKEN);
  }, 90_000);
});

describe('HTTP mode (serve --transport http)', () => {
  const name = uniqueName('http');
  let port: number;
  let base: string;

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    containers.push(name);
    await podmanOk([
      'run',
      '--detach',
      '--name',
      name,
      ...HARDENED,
      '--network',
      'host',
      // Host networking shares the host's loopback, so the server binds 127.0.0.1 (the image's
      // 0.0.0.0 default requires client authentication, which is tested elsewhere).
      ...cesEnv(),
      '-e',
      `ISPW_MCP_PORT=${port}`,
      '-e',
      'ISPW_MCP_HOST=127.0.0.1',
      '-e',
      'ISPW_MCP_LOG_LEVEL=info',
      IMAGE,
      'serve',
      '--transport',
      'http',
    ]);
    await waitForReady(`${base}/readyz`, name);
  }, 90_000);

  it('serves MCP: tools/list and a tool call that reaches CES', async () => {
    const { client } = await connectHttp(`${base}/mcp`, '2026');
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(20);
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it('answers /readyz and /metrics', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status, 'GET /metrics (issue #5)').toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^# (HELP|TYPE) /m);
    expect(text).toMatch(/process_cpu|nodejs_/);
  });

  it('passes the healthcheck command as an exec probe', async () => {
    const probe = await podman(['exec', name, '/nodejs/bin/node', '/app/dist/src/main.js', 'healthcheck', '--url', `${base}/readyz`]);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stderr).toMatch(/healthy/);
    // And it fails, with exit 1, where nothing answers.
    const down = await podman([
      'exec',
      name,
      '/nodejs/bin/node',
      '/app/dist/src/main.js',
      'healthcheck',
      '--url',
      'http://127.0.0.1:1/readyz',
      '--timeout-ms',
      '2000',
    ]);
    expect(down.code).toBe(1);
  });

  it('has no shell', async () => {
    const sh = await podman(['exec', name, '/bin/sh', '-c', 'true']);
    expect(sh.code).not.toBe(0);
    expect(sh.stderr).toMatch(/no such file|not found/i);
  });

  it('runs as uid/gid 65532 with no capabilities', async () => {
    const pid = (await podmanOk(['inspect', '--format', '{{.State.Pid}}', name])).trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(status).toMatch(/^Seccomp:\s+2$/m); // filter mode: our profile is active
  });

  it('enforces the seccomp profile: a syscall it leaves out fails', async () => {
    // setpriority is allowed by the runtime default (lowering one's own priority needs no
    // privilege) but not by our profile, so it fails with ENOSYS only when the profile is active.
    const nice = await podman(['exec', name, '/nodejs/bin/node', '-e', 'require("os").setPriority(19)']);
    expect(nice.code).not.toBe(0);
    expect(nice.stderr).toMatch(/ENOSYS|not implemented/i);
  });

  it('cannot write to its filesystem, and has written nothing', async () => {
    const write = await podman(['exec', name, '/nodejs/bin/node', '-e', 'require("fs").writeFileSync("/app/x", "x")']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/EROFS|read-only/i);
    const diff = await podmanOk(['diff', name]);
    expect(diff.trim()).toBe('');
  });

  it('stops on SIGTERM with exit code 0 within the grace period', async () => {
    const started = Date.now();
    await podmanOk(['stop', '--time', '10', name]); // SIGTERM, then SIGKILL after 10 s
    const elapsed = Date.now() - started;
    const state = JSON.parse(await podmanOk(['inspect', '--format', '{{json .State}}', name])) as { ExitCode: number; OOMKilled: boolean };
    expect(state.ExitCode).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
    const logs = await podman(['logs', name]);
    expect(logs.stderr + logs.stdout).not.toContain(TOKEN);
  }, 30_000);
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForReady(url: string, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const logs = await podman(['logs', name]);
  throw new Error(`container ${name} never became ready at ${url}:\n${logs.stderr}${logs.stdout}`);
}
