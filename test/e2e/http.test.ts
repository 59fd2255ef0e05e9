// The built server over Streamable HTTP: both protocol eras, sessions and their expiry, stateless
// replicas behind a round-robin load balancer without affinity, and Host/Origin checks.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectHttp, type Era } from '../support/clients.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'canary-http-0b9e3f62-71aa-4d0e';
let sim: RunningSimulator;
const started: ServerProcess[] = [];

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await sim?.close();
});

async function server(extraArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = await startServerProcess(
    ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0', ...extraArgs],
    serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN, ISPW_MCP_POLL_INTERVAL_MS: '50', ...extraEnv }),
  );
  started.push(proc);
  return proc;
}

/** A plain round-robin HTTP load balancer on loopback: no stickiness, no session awareness. */
async function roundRobin(targets: string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const lb: Server = createServer((req, res) => {
    const target = new URL(targets[next++ % targets.length]!);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => lb.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(lb.address() as AddressInfo).port}/mcp`,
    close: () =>
      new Promise((resolve) => {
        lb.closeAllConnections();
        lb.close(() => resolve());
      }),
  };
}

describe.each<Era>(['2025', '2026'])('HTTP, %s era', (era) => {
  it('lists tools and calls one', async () => {
    const srv = await server();
    const { client } = await connectHttp(srv.url, era);
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe(era === '2026' ? '2026-07-28' : '2025-11-25');
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(20);
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
    } finally {
      await client.close();
    }
  });

  it('serves several stateless replicas behind a round-robin balancer', async () => {
    const a = await server(['--http-sessions', 'stateless']);
    const b = await server(['--http-sessions', 'stateless']);
    const lb = await roundRobin([a.url, b.url]);
    const { client } = await connectHttp(lb.url, era);
    try {
      for (let i = 0; i < 6; i++) {
        const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
        expect(result.isError).toBeFalsy();
      }
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(20);
    } finally {
      await client.close();
      await lb.close();
    }
  });
});

describe('HTTP sessions (2025 era)', () => {
  it('issues a session id, honours DELETE and expires idle sessions', async () => {
    const srv = await server(['--session-idle-seconds', '1']);
    const { client, transport } = await connectHttp(srv.url, '2025');
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await client.listTools();
    await new Promise((r) => setTimeout(r, 2_500));
    await expect(client.listTools()).rejects.toThrow();
    await client.close().catch(() => undefined);

    const second = await connectHttp(srv.url, '2025');
    const id = second.transport.sessionId!;
    await second.transport.terminateSession();
    const after = await fetch(srv.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': id,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(after.status).toBe(404);
    await second.client.close().catch(() => undefined);
  });
});

describe('HTTP request checks', () => {
  const init = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  const post = (url: string, headers: Record<string, string>, body: string = JSON.stringify(init)) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });

  it('refuses foreign Host and Origin headers (DNS rebinding) and answers health probes', async () => {
    const srv = await server();
    // fetch sets Host from the URL; a raw request is needed to send another one.
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(srv.url);
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          path: '/mcp',
          method: 'POST',
          headers: { host: 'evil.example.com', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(init));
    });
    expect(status).toBe(403);
    expect((await post(srv.url, { origin: 'http://evil.example.com' })).status).toBe(403);
    expect((await post(srv.url, { origin: 'http://localhost:3000' })).status).toBe(200);
    expect((await post(srv.url, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(srv.url, {}, '{not json')).status).toBe(400);
    const base = srv.url.replace(/\/mcp$/, '');
    expect((await fetch(`${base}/livez`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect(srv.stderr()).not.toContain(TOKEN);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    const srv = await server();
    expect(await srv.stop('SIGTERM')).toBe(0);
  });
});
