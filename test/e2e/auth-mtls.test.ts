// Mutual TLS on the HTTP listener: a client certificate signed by the configured CA names the caller
// (its CN) with the configured scopes; connections without one, or with one from another CA, are
// refused during the TLS handshake. Certificates are generated in the test.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const CES_TOKEN = 'svc-token-mtls-e2e-3c4d';
let sim: RunningSimulator;
let pki: TestPki;
let srv: ServerProcess;
let url: URL;

beforeAll(async () => {
  [sim, pki] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), createTestPki()]);
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mtls-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text, { mode: 0o600 });
    return join(dir, name);
  };
  srv = await startServerProcess(
    ['serve', '--transport', 'http', '--host', '0.0.0.0', '--port', '0'],
    serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: CES_TOKEN,
      ISPW_MCP_HTTP_TLS_CERT_FILE: file('server.pem', pki.server.cert),
      ISPW_MCP_HTTP_TLS_KEY_FILE: file('server.key', pki.server.key),
      ISPW_MCP_HTTP_CLIENT_CA_FILE: file('ca.pem', pki.ca.cert),
      ISPW_MCP_HTTP_CLIENT_SCOPES: 'ispw:read',
      ISPW_MCP_HTTP_SESSIONS: 'stateless',
    }),
  );
  url = new URL(srv.url);
}, 30_000);
afterAll(async () => {
  await srv?.stop();
  await sim?.close();
});

function post(body: unknown, client?: { cert: string; key: string }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: '/mcp',
        method: 'POST',
        ca: pki.ca.cert,
        ...(client ?? {}),
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const call = (name: string, args: object) => ({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name, arguments: args } });
const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };

describe('mutual TLS listener', () => {
  it('refuses a connection without a client certificate, or with one from another CA', async () => {
    await expect(post(list)).rejects.toThrow();
    await expect(post(list, pki.untrustedClient)).rejects.toThrow();
  });

  it('names the caller by its certificate and grants only the configured scopes', async () => {
    expect(url.protocol).toBe('https:');
    const listed = await post(list, pki.client);
    expect(listed.status).toBe(200);
    const names = [...listed.text.matchAll(/"name":"(ispw_[a-z_]+)"/g)].map((m) => m[1]);
    expect(names).toContain('ispw_get_assignment');
    expect(names).not.toContain('ispw_promote');
    const got = await post(call('ispw_get_assignment', { assignment_id: 'PLAY000313' }), pki.client);
    expect(got.status).toBe(200);
    expect(got.text).toContain('PLAY000313');
    expect(got.text).not.toContain('"isError":true');
    expect(sim.requests.at(-1)?.headers.authorization).toBe(CES_TOKEN);
  });
});
