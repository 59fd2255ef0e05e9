// The built server over stdio, in both protocol eras, against the real CES simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectStdio, type Era } from '../support/clients.js';
import { serverEnv } from '../support/server-process.js';

const TOKEN = 'canary-stdio-7d1e5c0a-2b44-4c6f';
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => sim?.close());

const env = () =>
  serverEnv({
    ISPW_MCP_CES_URL: sim.url,
    ISPW_MCP_SRID: sim.srids[0]!,
    ISPW_MCP_CES_TOKEN: TOKEN,
    ISPW_MCP_POLL_INTERVAL_MS: '50',
  });

describe.each<Era>(['2025', '2026'])('stdio, %s era', (era) => {
  it('lists the tools and reads an assignment from CES', async () => {
    const { client, stderr } = await connectStdio(env(), era);
    try {
      if (era === '2026') expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('ispw_get_assignment');
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
      const lastRequest = sim.requests.at(-1)!;
      expect(lastRequest.headers.authorization).toBe(TOKEN);
    } finally {
      await client.close();
    }
    // Logs go to stderr as JSON and never contain the token.
    const lines = stderr().trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(stderr()).not.toContain(TOKEN);
  });

  it('reports a bad id as a tool error without crashing', async () => {
    const { client } = await connectStdio(env(), era);
    try {
      const bad = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: '../../etc' } });
      expect(bad.isError).toBe(true);
      const missing = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: 'NOPE000001' } });
      expect(missing.isError).toBe(true);
      expect(JSON.stringify(missing.content)).toMatch(/not found/i);
      const ok = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(ok.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});

describe('stdio stdout', () => {
  it('carries nothing but JSON-RPC messages', async () => {
    const { spawn } = await import('node:child_process');
    const { MAIN } = await import('../support/server-process.js');
    const proc = spawn(process.execPath, [MAIN], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    const send = (msg: object) => proc.stdin.write(`${JSON.stringify(msg)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } } });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply; stdout so far:\n${stdout}`)), 10_000);
      const check = setInterval(() => {
        if (stdout.includes('"id":3')) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 20);
    });
    proc.stdin.end();
    const code = await new Promise((resolve) => proc.once('exit', resolve));
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });
});
