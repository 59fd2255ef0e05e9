// Readiness follows the audit sink, over a real server process whose audit file sits on a 64 KiB
// tmpfs: once the disk is full, a fail-closed server refuses write tools and /readyz answers 503
// (audit: refusing_writes) so the load balancer sends writes to other replicas; a fail-open one
// stays ready but says `degraded`. When space is back the readiness probe sees it, writes are
// admitted again, and `audit verify` passes on the file. Skips loudly where a tmpfs cannot be mounted.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectHttp } from '../support/clients.js';
import { textOf } from '../support/harness.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { loudSkip, mountTmpfs, type Tmpfs } from '../support/tmpfs.js';
import { verifyCli } from '../audit/fixtures.js';

const TOKEN = 'audit-readiness-7c2e91d0-44aa';
const mounted = mountTmpfs(64, 'issue-17b-audit-ready');
const fs: Tmpfs | undefined = 'skipped' in mounted ? undefined : mounted;
if ('skipped' in mounted) loudSkip('audit readiness tests (test/e2e/audit-readiness.test.ts)', mounted.skipped);

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => {
  await sim?.close();
  fs?.unmount();
});

interface Report {
  ready: boolean;
  status: string;
  checks: { audit?: { ok: boolean; state: string; failMode: string; reason?: string } };
}

async function readyz(server: ServerProcess): Promise<{ status: number; report: Report }> {
  const reply = await fetch(new URL('/readyz', server.url));
  return { status: reply.status, report: (await reply.json()) as Report };
}

/** Polls /readyz until `want` (event-driven: each answer is checked; gives up after 100 tries). */
async function untilReadyz(server: ServerProcess, want: number): Promise<Report> {
  let last = await readyz(server);
  for (let i = 0; i < 100 && last.status !== want; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await readyz(server);
  }
  expect(last.status, JSON.stringify(last.report)).toBe(want);
  return last.report;
}

const metric = async (server: ServerProcess, pattern: RegExp) => Number(pattern.exec(await (await fetch(new URL('/metrics', server.url))).text())?.[1] ?? NaN);

const writeArgs = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };

async function startServer(failMode: 'closed' | 'open', file: string) {
  return startServerProcess(
    ['serve', '--transport', 'http', '--port', '0'],
    serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: TOKEN,
      ISPW_MCP_READY_CACHE_SECONDS: '0',
      ISPW_MCP_AUDIT_FILE: file,
      ISPW_MCP_AUDIT_FAIL_MODE: failMode,
    }),
  );
}

describe.skipIf(!fs)('readiness and the audit sink on a full disk', () => {
  it('fail-closed: not ready while the sink refuses writes, ready again when space is back', async () => {
    fs!.clear();
    const file = join(fs!.dir, 'audit.jsonl');
    const server = await startServer('closed', file);
    try {
      const { client } = await connectHttp(server.url, '2025');
      expect(await readyz(server)).toMatchObject({
        status: 200,
        report: { ready: true, status: 'ready', checks: { audit: { ok: true, state: 'writable', failMode: 'closed' } } },
      });
      expect((await client.callTool({ name: 'ispw_generate', arguments: writeArgs })).isError).toBeFalsy();

      const filler = join(fs!.dir, 'filler');
      fs!.fill(filler);
      let refused = false;
      for (let i = 0; i < 30 && !refused; i++) {
        const result = await client.callTool({ name: 'ispw_generate', arguments: writeArgs });
        refused = Boolean(result.isError) && /audit trail cannot be written/.test(textOf(result));
      }
      expect(refused).toBe(true);
      const down = await readyz(server);
      expect(down).toMatchObject({
        status: 503,
        report: { ready: false, status: 'not_ready', checks: { audit: { ok: false, state: 'refusing_writes', reason: 'ENOSPC' } } },
      });
      expect(await metric(server, /^ispw_mcp_audit_sink_writable (\d+)$/m)).toBe(0);
      expect(await metric(server, /^ispw_mcp_audit_write_failures_total\{type="write.attempt"\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
      // Reads do not need the audit trail.
      expect((await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } })).isError).toBeFalsy();

      unlinkSync(filler);
      expect(await untilReadyz(server, 200)).toMatchObject({ ready: true, status: 'ready', checks: { audit: { ok: true } } });
      expect(await metric(server, /^ispw_mcp_audit_sink_writable (\d+)$/m)).toBe(1);
      const again = await client.callTool({ name: 'ispw_generate', arguments: writeArgs });
      expect(again.isError, textOf(again as never)).toBeFalsy();
      await client.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const cli = verifyCli(file);
    expect(cli.code, cli.out).toBe(0);
  });

  it('fail-open: stays ready but degraded while the sink refuses writes', async () => {
    fs!.clear();
    const file = join(fs!.dir, 'audit.jsonl');
    const server = await startServer('open', file);
    try {
      const { client } = await connectHttp(server.url, '2026');
      expect((await client.callTool({ name: 'ispw_generate', arguments: writeArgs })).isError).toBeFalsy();
      fs!.fill(join(fs!.dir, 'filler'));
      let warned = false;
      for (let i = 0; i < 30 && !warned; i++) {
        const result = await client.callTool({ name: 'ispw_generate', arguments: writeArgs });
        expect(result.isError).toBeFalsy();
        warned = /audit record of this outcome could not be written/.test(textOf(result));
      }
      expect(warned).toBe(true);
      expect(await readyz(server)).toMatchObject({
        status: 200,
        report: { ready: true, status: 'degraded', checks: { audit: { ok: false, failMode: 'open' } } },
      });
      await client.close();
    } finally {
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    }
    const cli = verifyCli(file);
    expect(cli.code, cli.out).toBe(0);
  });
});
