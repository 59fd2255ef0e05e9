// SIGTERM with calls that outlast the grace period (issue 17, defect 1). When the grace ends every
// call still running is cancelled *and answered* — a tool error saying the server is shutting down,
// naming the set when one exists and that the work may continue in CES, never telling the caller to
// send the change again — its audit outcome is written (chain intact), and the process exits 0,
// which it can only do before the stop deadline (grace + margin; past it main.ts exits 1,
// test/unit/signal-stop.test.ts). Both eras: 2025-era session clients get their results before
// sessions close, 2026-era clients an answer rather than `fetch failed`; progress-asking calls go
// through the SDK's handlers, the others through the fast path. The 25 s figures: bench/shutdown.ts.
import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { DEMO, startSimulator } from '../../simulator/index.js';
import { tempDir } from '../support/audited-server.js';
import { connectStdio } from '../support/clients.js';
import { MAIN } from '../support/server-process.js';
import { runShutdownLoad, summarise, type ShutdownFigures } from '../support/shutdown-load.js';

const GRACE_SECONDS = 2;

function expectEveryCallAnswered(f: ShutdownFigures): void {
  const report = `${summarise(f)}\n${f.outcomes.map((o) => `${o.era} ${o.kind}: ${o.failure ?? JSON.stringify(o.result?.content)}`).join('\n')}\n${f.stderr}`;
  expect(f.exitCode, report).toBe(0);
  for (const o of f.outcomes) {
    expect(o.failure, report).toBeUndefined();
    const text = o.result!.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    expect(o.result!.isError, text).toBe(true);
    expect(text).toMatch(/the server is shutting down and stopped this call before it finished/);
    expect(text).not.toMatch(/\bretry\b|repeat the call|call (it )?again|try again/i);
    // Cancelled at the end of the grace period, not before.
    expect(o.answeredAfterMs).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000 - 50);
    if (o.kind === 'set-wait') {
      expect(o.setId, text).toMatch(/^S\d+$/);
      expect(text).toContain(`Set ${o.setId} exists in CES and its work may continue there`);
    } else {
      expect(text).toContain('The request reached CES, which may still carry out the work');
    }
  }
  // Every write has its attempt and its outcome on record: `unknown` (CES was called), cancelled,
  // with the set id where the call created one.
  expect(f.attempts).toBe(f.callers);
  expect(f.outcomesAudited).toBe(f.callers);
  const outcomes = f.events.filter((e) => e.type === 'write.outcome');
  for (const e of outcomes) {
    expect(e.outcome).toMatchObject({ result: 'unknown', errorCode: 'cancelled' });
  }
  const answeredSets = f.outcomes.flatMap((o) => (o.setId ? [o.setId] : [])).sort();
  expect(outcomes.flatMap((e) => (e.outcome!.setId ? [e.outcome!.setId] : [])).sort()).toEqual(answeredSets);
  expect(f.stderr).toContain('grace period over: cancelling and answering the calls still running');
  expect(f.stderr).not.toContain('calls did not end after cancellation');
}

function verifyAudit(f: ShutdownFigures, dir: string): void {
  const verify = spawnSync(process.execPath, [MAIN, 'audit', 'verify', `${dir}/audit.jsonl`], { encoding: 'utf8' });
  expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  expect(f.events.length).toBe(2 * f.callers);
}

describe('shutdown answers every call still running when the grace ends', () => {
  it('32 callers, both eras, 2025-era sessions: every call answered and audited, exit 0', async () => {
    const dir = tempDir();
    const figures = await runShutdownLoad({ graceSeconds: GRACE_SECONDS, callers: 32, dir });
    expectEveryCallAnswered(figures);
    verifyAudit(figures, dir);
  }, 90_000);

  it('16 callers, both eras, stateless 2025 era: the same', async () => {
    const dir = tempDir();
    const figures = await runShutdownLoad({ graceSeconds: GRACE_SECONDS, callers: 16, dir, sessions: 'stateless' });
    expectEveryCallAnswered(figures);
    verifyAudit(figures, dir);
  }, 90_000);

  it('stdio: a call still running at the end of the grace is answered before the process exits', async () => {
    const sim = await startSimulator({ tokens: ['stdio-shutdown-token-7c2d'], stepMs: 3_600_000 });
    try {
      const { client, transport, stderr } = await connectStdio(
        {
          PATH: process.env.PATH ?? '',
          ISPW_MCP_CES_URL: sim.url,
          ISPW_MCP_SRID: sim.srids[0]!,
          ISPW_MCP_CES_TOKEN: 'stdio-shutdown-token-7c2d',
          ISPW_MCP_SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
          ISPW_MCP_AUDIT_FILE: `${tempDir()}/audit.jsonl`,
        },
        '2025',
      );
      await client.listTools();
      const call = client.callTool(
        { name: 'ispw_generate', arguments: { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', wait_seconds: 600 } },
        { timeout: 60_000 },
      );
      // Running: CES has the set and is being polled for it.
      while (!sim.requests.some((r) => r.method === 'GET' && r.path.includes('/sets/'))) await new Promise((resolve) => setTimeout(resolve, 20));
      process.kill(transport.pid!, 'SIGTERM');
      const result = await call;
      const text = JSON.stringify(result.content);
      expect(result.isError, stderr()).toBe(true);
      expect(text).toMatch(/the server is shutting down and stopped this call before it finished\. Set S\d+ exists in CES/);
      await client.close();
    } finally {
      await sim.close();
    }
  }, 60_000);
});
