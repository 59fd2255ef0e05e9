// SIGTERM under load: readiness flips at once, new requests are refused with a retryable 503,
// every accepted call finishes with its real result, every accepted write has its attempt and
// outcome in the audit file (chain intact), and the process exits 0.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { AuditEvent } from '../../src/audit/schema.js';
import { connectHttp } from '../support/clients.js';
import { MAIN, serverEnv, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/audited-server.js';

const TOKEN = 'drain-canary-2e8b4f60-1a3d';
const CALLS = 6;
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0, faults: [{ kind: 'latency', ms: 1200, method: 'POST' }] });
});
afterAll(async () => sim?.close());

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('graceful shutdown', () => {
  it('drains accepted calls on SIGTERM without losing a call or an audit event', async () => {
    const auditFile = join(tempDir(), 'audit.jsonl');
    const server = await startServerProcess(
      ['serve', '--transport', 'http', '--port', '0'],
      serverEnv({
        ISPW_MCP_CES_URL: sim.url,
        ISPW_MCP_SRID: sim.srids[0]!,
        ISPW_MCP_CES_TOKEN: TOKEN,
        ISPW_MCP_AUDIT_FILE: auditFile,
        ISPW_MCP_SHUTDOWN_GRACE_SECONDS: '15',
      }),
    );
    const base = new URL(server.url);
    const readyz = () => fetch(new URL('/readyz', base)).then((r) => r.status);
    expect(await readyz()).toBe(200);

    const clients = await Promise.all(Array.from({ length: CALLS }, () => connectHttp(server.url, '2026')));
    // The client validates structured results against the tools' output schemas: list them first, so
    // that no request of the client's own has to be sent after the signal.
    await Promise.all(clients.map(({ client }) => client.listTools()));
    const posts = () => sim.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    const calls = clients.map(({ client }, i) =>
      client.callTool({
        name: 'ispw_generate',
        arguments: { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', task_ids: [Object.values(DEMO.taskIds)[i % 3]!] },
      }),
    );
    // Every call has reached CES (and so was accepted) before the signal.
    await until(() => posts() - before === CALLS, 'all calls to reach CES');
    const exited = new Promise<number | null>((resolve) => server.proc.once('exit', (code) => resolve(code)));
    server.proc.kill('SIGTERM');

    await until(async () => (await readyz()) === 503, 'readiness to flip');
    const refused = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list', params: {} }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toMatch(/shutting down; retry/);

    const settled = await Promise.allSettled(calls);
    const lost = settled.flatMap((r, i) => (r.status === 'rejected' ? [`call ${i}: ${String(r.reason)}`] : []));
    expect(lost, server.stderr()).toEqual([]);
    const results = await Promise.all(calls);
    for (const r of results) {
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      expect((r.structuredContent as { setId?: string }).setId).toMatch(/^S\d+/);
    }
    await Promise.all(clients.map(({ client }) => client.close().catch(() => undefined)));
    expect(await exited).toBe(0);
    expect(server.stderr()).toContain('"draining"');

    const events = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEvent);
    const setIds = new Set(results.map((r) => (r.structuredContent as { setId: string }).setId));
    expect(events.filter((e) => e.type === 'write.attempt')).toHaveLength(CALLS);
    const outcomes = events.filter((e) => e.type === 'write.outcome');
    expect(outcomes).toHaveLength(CALLS);
    expect(new Set(outcomes.map((e) => e.outcome!.setId))).toEqual(setIds);
    expect(new Set(outcomes.map((e) => e.correlation.correlationId))).toEqual(
      new Set(events.filter((e) => e.type === 'write.attempt').map((e) => e.correlation.correlationId)),
    );
    const verify = spawnSync(process.execPath, [MAIN, 'audit', 'verify', auditFile], { encoding: 'utf8' });
    expect(verify.status, verify.stdout).toBe(0);
  });
});
