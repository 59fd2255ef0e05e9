// `ispw-mcp healthcheck` without --url finds the server from its configuration (src/commands/
// healthcheck.ts): the metrics listener when there is one, else the MCP listener, over HTTPS when it
// serves TLS (trusting exactly the listener's own certificate) and with a client certificate when it
// requires one (mTLS). Real server processes, real TLS with generated certificates, on loopback; the
// probe runs as a process with the server's environment, as an exec probe in its container would.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { MAIN, serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const CES_TOKEN = 'svc-token-healthcheck-9e21';
let sim: RunningSimulator;
let pki: TestPki;
let dir: string;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  [sim, pki] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), createTestPki()]);
  dir = mkdtempSync(join(tmpdir(), 'issue-17a-http-healthcheck-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await sim?.close();
});

const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text, { mode: 0o600 });
  return join(dir, name);
};

/** Starts a server; returns the environment a probe in its container would have (with the port it got). */
async function server(env: Record<string, string>, args: string[] = []): Promise<Record<string, string>> {
  const base = { ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: CES_TOKEN, ISPW_MCP_TRANSPORT: 'http', ...env };
  const srv = await startServerProcess(['serve', '--port', '0', ...args], serverEnv(base));
  servers.push(srv);
  return { ...base, ISPW_MCP_PORT: new URL(srv.url).port };
}

function healthcheck(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [MAIN, 'healthcheck', '--timeout-ms', '4000', ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    proc.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('healthcheck from the configuration', () => {
  it('asks a plain HTTP listener', async () => {
    const env = await server({});
    const probe = await healthcheck(env);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stderr).toMatch(/healthy: \/readyz 200/);
  });

  it('asks a TLS listener over HTTPS, trusting exactly its certificate', async () => {
    const env = await server({ ISPW_MCP_HTTP_TLS_CERT_FILE: file('tls.crt', pki.server.cert), ISPW_MCP_HTTP_TLS_KEY_FILE: file('tls.key', pki.server.key) });
    const probe = await healthcheck(env);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stderr).toMatch(/healthy: \/readyz 200/);
    // A listener presenting another certificate than the configured one is not trusted.
    const other = await healthcheck({ ...env, ISPW_MCP_HTTP_TLS_CERT_FILE: file('other.crt', pki.otherCaServer.cert) });
    expect(other.code, other.stderr).toBe(1);
    expect(other.stderr).toMatch(/NOT healthy: https:\/\/127\.0\.0\.1:\d+\/readyz: .*certificate/i);
  });

  it('presents a client certificate to an mTLS listener', async () => {
    const env = await server({
      ISPW_MCP_HTTP_TLS_CERT_FILE: file('m-tls.crt', pki.server.cert),
      ISPW_MCP_HTTP_TLS_KEY_FILE: file('m-tls.key', pki.server.key),
      ISPW_MCP_HTTP_CLIENT_CA_FILE: file('m-ca.crt', pki.ca.cert),
      ISPW_MCP_HTTP_SESSIONS: 'stateless',
    });
    const client = {
      ISPW_MCP_HEALTHCHECK_CLIENT_CERT_FILE: file('probe.crt', pki.client.cert),
      ISPW_MCP_HEALTHCHECK_CLIENT_KEY_FILE: file('probe.key', pki.client.key),
    };
    const probe = await healthcheck({ ...env, ...client });
    expect(probe.code, probe.stderr).toBe(0);
    const flags = await healthcheck(
      env,
      '--client-cert',
      client.ISPW_MCP_HEALTHCHECK_CLIENT_CERT_FILE,
      '--client-key',
      client.ISPW_MCP_HEALTHCHECK_CLIENT_KEY_FILE,
    );
    expect(flags.code, flags.stderr).toBe(0);
    // The listener's own certificate is for servers only (extended key usage serverAuth): refused.
    const own = await healthcheck(env);
    expect(own.code, own.stderr).toBe(1);
    expect(own.stderr).toMatch(/may have refused the client certificate: it needs one from ISPW_MCP_HTTP_CLIENT_CA_FILE/);
    // A client certificate from another CA: refused.
    const foreign = await healthcheck({
      ...env,
      ISPW_MCP_HEALTHCHECK_CLIENT_CERT_FILE: file('bad.crt', pki.untrustedClient.cert),
      ISPW_MCP_HEALTHCHECK_CLIENT_KEY_FILE: file('bad.key', pki.untrustedClient.key),
    });
    expect(foreign.code, foreign.stderr).toBe(1);
  });

  it('prefers the separate metrics listener when there is one', async () => {
    const tls = { ISPW_MCP_HTTP_TLS_CERT_FILE: file('x-tls.crt', pki.server.cert), ISPW_MCP_HTTP_TLS_KEY_FILE: file('x-tls.key', pki.server.key) };
    const env = await server({ ...tls, ISPW_MCP_METRICS_PORT: '0' });
    // Port 0 is chosen at start: the probe cannot know it and says so.
    const unknown = await healthcheck(env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/metrics port is 0 .*pass --url/);
    // With the port it got, the probe asks the plain metrics listener (not the TLS one).
    const metricsPort = /"url":"http:\/\/127\.0\.0\.1:(\d+)\/metrics"/.exec(servers.at(-1)!.stderr())![1]!;
    const probe = await healthcheck({ ...env, ISPW_MCP_METRICS_PORT: metricsPort });
    expect(probe.code, probe.stderr).toBe(0);
  });
});
