// SIGTERM with calls that outlast the grace period: the shared driver of the shutdown test
// (test/e2e/shutdown-answers.test.ts, short grace) and the shutdown benchmark (bench/shutdown.ts,
// the default 25 s grace). It spawns the built server over HTTP against the CES simulator, starts
// `callers` tool calls split evenly between the two protocol eras (2025-era session clients and
// 2026-era stateless clients), half of them waiting on a set CES never finishes (their set id is
// known) and half stuck in a CES request that answers long after the grace (no set id), sends
// SIGTERM, and reports what every caller got, when, what the audit file holds and when the
// process exited.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CallToolResult } from '@modelcontextprotocol/client';

import { DEMO, startSimulator } from '../../simulator/index.js';
import type { AuditEvent } from '../../src/audit/schema.js';
import { connectHttp, type Era } from './clients.js';
import { serverEnv, startServerProcess } from './server-process.js';

export interface ShutdownLoadOptions {
  graceSeconds: number;
  /** Callers in all, split evenly between the eras and between the two kinds of call. */
  callers: number;
  /** A fresh directory for the audit file. */
  dir: string;
  /** How 2025-era clients are served (default `stateful`: sessions). */
  sessions?: 'stateful' | 'stateless';
}

export interface CallerOutcome {
  era: Era;
  kind: 'set-wait' | 'ces-stuck';
  /** The call asked for progress (its answer then comes through the SDK's handler, not the fast path). */
  progress: boolean;
  /** The set the call created (set-wait calls), as CES reported it. */
  setId: string | undefined;
  /** What the caller got: a tool result, or the error its client raised. */
  result: CallToolResult | undefined;
  failure: string | undefined;
  /** Milliseconds from SIGTERM to the answer (or failure); NaN when nothing came. */
  answeredAfterMs: number;
}

export interface ShutdownFigures {
  graceSeconds: number;
  callers: number;
  outcomes: CallerOutcome[];
  /** Milliseconds from SIGTERM to the process's exit; its exit code. */
  exitAfterMs: number;
  exitCode: number | null;
  attempts: number;
  outcomesAudited: number;
  events: AuditEvent[];
  stderr: string;
}

const TOKEN = 'shutdown-load-token-4f1c9e';
/** How long a caller may still get its answer after the process exited (in flight on loopback). */
const AFTER_EXIT_MS = 2_000;

async function until(check: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function runShutdownLoad(options: ShutdownLoadOptions): Promise<ShutdownFigures> {
  const stuckMs = (options.graceSeconds + 120) * 1000;
  // Sets never leave Dispatched (a step of an hour); promote requests answer long after the grace.
  const sim = await startSimulator({
    tokens: [TOKEN],
    stepMs: 3_600_000,
    faults: [{ kind: 'latency', ms: stuckMs, method: 'POST', path: '/promote' }],
  });
  const auditFile = join(options.dir, 'audit.jsonl');
  const server = await startServerProcess(
    ['serve', '--transport', 'http', '--port', '0'],
    serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: TOKEN,
      ISPW_MCP_AUDIT_FILE: auditFile,
      ISPW_MCP_SHUTDOWN_GRACE_SECONDS: String(options.graceSeconds),
      ISPW_MCP_RATE_LIMIT_PER_MINUTE: '0',
      ISPW_MCP_CES_MAX_CONCURRENCY: '0',
      ISPW_MCP_CES_TIMEOUT_SECONDS: String(options.graceSeconds + 300),
      ISPW_MCP_MAX_WAIT_SECONDS: '3600',
      ISPW_MCP_HTTP_SESSIONS: options.sessions ?? 'stateful',
    }),
  );
  const exited = new Promise<number | null>((resolve) => server.proc.once('exit', (code) => resolve(code)));
  try {
    const plan = Array.from({ length: options.callers }, (_, i): { era: Era; kind: CallerOutcome['kind']; progress: boolean } => ({
      era: i % 2 === 0 ? '2025' : '2026',
      kind: i % 4 < 2 ? 'set-wait' : 'ces-stuck',
      // Every other set wait asks for progress: both the fast path and the SDK's handlers answer.
      progress: i % 8 < 2,
    }));
    const clients = await Promise.all(plan.map((p) => connectHttp(server.url, p.era)));
    // The client checks results against the tools' output schemas: list them before the signal.
    await Promise.all(clients.map(({ client }) => client.listTools()));
    const taskIds = Object.values(DEMO.taskIds);
    let sigtermAt = 0;
    const posts = (path: string) => sim.requests.filter((r) => r.method === 'POST' && r.path.includes(path)).length;
    const sets = () => new Set(sim.requests.filter((r) => r.method === 'GET' && /\/sets\/S/.test(r.path)).map((r) => r.path));

    const early: string[] = [];
    const start = (p: (typeof plan)[number], i: number) => {
      const args =
        p.kind === 'set-wait'
          ? { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', task_ids: [taskIds[i % taskIds.length]!], wait_seconds: 3000 }
          : { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'QA' };
      const name = p.kind === 'set-wait' ? 'ispw_generate' : 'ispw_promote';
      const progress = p.progress ? { onprogress: () => undefined } : {};
      return clients[i]!.client.callTool({ name, arguments: args }, { timeout: stuckMs, maxTotalTimeout: stuckMs, ...progress }).then(
        (result) => {
          if (sigtermAt === 0) early.push(`${name}: ${JSON.stringify(result.content)}`);
          return { result, failure: undefined, at: performance.now() };
        },
        (error: unknown) => {
          if (sigtermAt === 0) early.push(`${name}: ${String(error)}`);
          return { result: undefined, failure: String(error), at: performance.now() };
        },
      );
    };
    const running = (what: string, done: () => boolean) =>
      until(
        () => early.length > 0 || done(),
        () => `${what}: ${sets().size}/${setWaits} sets polled, ${posts('/promote')}/${stuck} promotes sent`,
      ).then(() => {
        if (early.length > 0) throw new Error(`calls ended before the signal:\n${early.join('\n')}`);
      });
    const setWaits = plan.filter((p) => p.kind === 'set-wait').length;
    const stuck = plan.length - setWaits;
    // Every call is running before the signal. Set waits first, until each has polled its set; then
    // the calls that get stuck in CES (they hold CES connections, so later polls may queue behind them).
    const calls: ReturnType<typeof start>[] = new Array(plan.length);
    plan.forEach((p, i) => {
      if (p.kind === 'set-wait') calls[i] = start(p, i);
    });
    await running('the set waits to poll their sets', () => sets().size >= setWaits);
    plan.forEach((p, i) => {
      if (p.kind === 'ces-stuck') calls[i] = start(p, i);
    });
    await running('the stuck calls to reach CES', () => posts('/promote') >= stuck);
    sigtermAt = performance.now();
    server.proc.kill('SIGTERM');
    const exitCode = await exited;
    const exitAfterMs = performance.now() - sigtermAt;
    // A caller still waiting once the process is gone gets nothing more: its answer was lost.
    const lost = new Promise<void>((resolve) => setTimeout(resolve, AFTER_EXIT_MS));
    const answers = await Promise.all(
      calls.map((call) => Promise.race([call, lost.then(() => ({ result: undefined, failure: 'no answer', at: Number.NaN }))])),
    );
    // Which set each set-wait call created: the set id its client saw, else none.
    const outcomes: CallerOutcome[] = plan.map((p, i) => {
      const answer = answers[i]!;
      const text = answer.result?.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') ?? '';
      return {
        ...p,
        setId: /\bS\d{6,}\b/.exec(text)?.[0],
        result: answer.result,
        failure: answer.failure,
        answeredAfterMs: Number.isNaN(answer.at) ? Number.NaN : answer.at - sigtermAt,
      };
    });
    await Promise.race([
      Promise.all(clients.map(({ client }) => client.close().catch(() => undefined))),
      new Promise((resolve) => setTimeout(resolve, AFTER_EXIT_MS)),
    ]);
    const events = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEvent);
    return {
      graceSeconds: options.graceSeconds,
      callers: options.callers,
      outcomes,
      exitAfterMs,
      exitCode,
      attempts: events.filter((e) => e.type === 'write.attempt').length,
      outcomesAudited: events.filter((e) => e.type === 'write.outcome').length,
      events,
      stderr: server.stderr(),
    };
  } finally {
    if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL');
    await sim.close();
  }
}

/** One line per run for reports: answered, audited, time to exit. */
export function summarise(f: ShutdownFigures): string {
  const answered = f.outcomes.filter((o) => o.result !== undefined).length;
  const slowest = Math.max(0, ...f.outcomes.filter((o) => o.result !== undefined).map((o) => o.answeredAfterMs));
  return `grace ${f.graceSeconds} s, ${f.callers} callers: ${answered}/${f.callers} answered (last after ${(slowest / 1000).toFixed(2)} s), ${f.outcomesAudited}/${f.attempts} outcomes audited, exit ${f.exitCode} after ${(f.exitAfterMs / 1000).toFixed(2)} s`;
}
