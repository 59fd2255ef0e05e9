// Health over real processes: /livez, /readyz with its checks (secrets, CES probe with the token,
// breaker), an expired/rejected token making the server not ready, `ispw-mcp healthcheck` exit codes
// for exec probes, and the separate --metrics-port listener in stdio mode.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectStdio } from '../support/clients.js';
import { MAIN, serverEnv, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/audited-server.js';

const TOKEN = 'health-canary-93d1a0c4-5e27';
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => sim?.close());

const healthcheck = (...args: string[]) =>
  new Promise<{ code: number | null; err: string }>((resolve) => {
    const proc = spawn(process.execPath, [MAIN, 'healthcheck', ...args], { env: { PATH: process.env.PATH ?? '' } });
    let err = '';
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    proc.on('exit', (code) => resolve({ code, err }));
  });

describe('health', () => {
  it('is ready with a valid token, and not ready once the token is rejected', async () => {
    const tokenFile = join(tempDir(), 'ces-token');
    writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
    const server = await startServerProcess(
      ['serve', '--transport', 'http', '--port', '0'],
      serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN_FILE: tokenFile, ISPW_MCP_READY_CACHE_SECONDS: '0' }),
    );
    try {
      const at = (path: string) => new URL(path, server.url).toString();
      expect((await fetch(at('/livez'))).status).toBe(200);
      const ready = await fetch(at('/readyz'));
      const report = (await ready.json()) as {
        ready: boolean;
        checks: { config: string; secrets: { ok: boolean }; ces: { status: string; breaker: string }[] };
      };
      expect(ready.status).toBe(200);
      expect(report).toMatchObject({
        ready: true,
        // CES's version for diagnostics, read without credentials (docs/ces-api.md §2.6).
        checks: { config: 'ok', secrets: { ok: true }, ces: [{ status: 'ok', breaker: 'closed', srid: DEMO.srid, cesVersion: '20.04.01' }] },
      });
      const versionRead = sim.requests.findLast((r) => r.path === '/compuware/ws/Config/version');
      expect(versionRead?.headers.authorization).toBeUndefined();
      const probe = sim.requests.findLast((r) => r.path.endsWith('/containers/list'));
      expect(probe?.query).toEqual({ containerType: 'A', containerId: 'READYZPROBE' });
      expect((await healthcheck('--url', at('/readyz'))).code).toBe(0);

      // The token expires (CES rejects it): the pod goes not-ready instead of failing every call.
      writeFileSync(tokenFile, 'expired-token-0000');
      let status = 0;
      let body = '';
      for (let i = 0; i < 100 && status !== 503; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const r = await fetch(at('/readyz'));
        status = r.status;
        body = await r.text();
      }
      expect(status).toBe(503);
      expect(JSON.parse(body)).toMatchObject({ ready: false, status: 'not_ready', checks: { ces: [{ status: 'token_rejected' }] } });
      expect(body).not.toContain(TOKEN);
      const failed = await healthcheck('--url', at('/readyz'));
      expect(failed.code).toBe(1);
      expect(failed.err).toMatch(/NOT healthy.*token_rejected/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // Nothing listening: healthcheck says so and exits 1.
    expect((await healthcheck('--url', 'http://127.0.0.1:1/readyz', '--timeout-ms', '2000')).code).toBe(1);
  });

  it('serves /metrics and /readyz on --metrics-port in stdio mode', async () => {
    const { client, stderr } = await connectStdio(serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN }), '2025', [
      '--metrics-port',
      '0',
    ]);
    try {
      expect((await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } })).isError).toBeFalsy();
      // The server logs asynchronously (pino, sync: false) and no reply waits for this start-up line:
      // wait for it to reach stderr rather than read stderr once.
      const metricsUrl = () => /"url":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(stderr())?.[1];
      for (let i = 0; i < 100 && metricsUrl() === undefined; i++) await new Promise((r) => setTimeout(r, 100));
      const url = metricsUrl();
      expect(url, stderr()).toBeDefined();
      const metrics = await (await fetch(url!)).text();
      expect(metrics).toMatch(
        /mcp_server_operation_duration_seconds_count\{mcp_method_name="tools\/call",gen_ai_tool_name="ispw_get_assignment",error_type=""\} 1/,
      );
      expect((await fetch(url!.replace('/metrics', '/readyz'))).status).toBe(200);
    } finally {
      await client.close();
    }
  });
});
