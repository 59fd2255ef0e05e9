// Scenario `awaits` (issue 19 part A.3): read latency for other callers while hundreds of awaited
// calls (`ispw_generate … await_in_ces`: CES's generate-await holds its reply until the set ends)
// are held on one replica. 16 raw readers (ispw_get_assignment, 2026 era) run a closed loop; their
// latency is measured first with no awaits, then with `awaits` held open (the simulator's sets run
// longer than the window). Run twice: with awaited calls in their own slots and socket pool (the
// default) and with them sharing the reads' (ISPW_MCP_CES_MAX_AWAITS=0, the "before").
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEMO } from '../simulator/index.js';
import { rawAgent, rawToolCall } from './raw-mcp.js';
import { startIspwHttp, type HttpServer } from './processes.js';
import { distribution, getJson, startWaitsSimulator, type Distribution } from './waits.js';

export interface AwaitsOptions {
  awaits: number;
  readers: number;
  /** Seconds of reads before the awaits start, and with them held. */
  baselineS: number;
  heldS: number;
}

export interface ReadWindow {
  calls: number;
  errors: number;
  firstError?: string;
  latencyMs: Distribution;
}

export interface AwaitsVariant {
  label: string;
  separate: boolean;
  /** Reads with no awaits held, and with them held. */
  without: ReadWindow;
  with: ReadWindow;
  /** Awaited calls answered with an error while held (e.g. refused by a full bulkhead). */
  awaitErrors: number;
  awaitFirstError?: string;
  /** Connections open at the simulator during the held window (awaits + reads). */
  cesConnectionsMax: number;
}

export interface AwaitsResult extends AwaitsOptions {
  variants: AwaitsVariant[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const READ = { assignment_id: DEMO.assignmentId };

async function readWindow(server: HttpServer, readers: number, seconds: number): Promise<ReadWindow> {
  const agent = rawAgent();
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const end = performance.now() + seconds * 1000;
  let id = 1_000_000;
  await Promise.all(
    Array.from({ length: readers }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        try {
          const result = await rawToolCall(agent, server.url, '2026', id++, 'ispw_get_assignment', READ);
          if (result.isError) throw new Error(result.text.slice(0, 200));
          latencies.push(performance.now() - started);
        } catch (error) {
          errors++;
          firstError ??= String(error).slice(0, 300);
          await sleep(50);
        }
      }
    }),
  );
  agent.destroy();
  return { calls: latencies.length, errors, ...(firstError ? { firstError } : {}), latencyMs: distribution(latencies.map((x) => Math.round(x * 100) / 100)) };
}

async function runVariant(options: AwaitsOptions, separate: boolean, log: (line: string) => void): Promise<AwaitsVariant> {
  const held = Math.ceil(options.baselineS + options.heldS + 60);
  const sim = await startWaitsSimulator([held, held]);
  const auditFile = join(tmpdir(), `ispw-bench-awaits-audit-${process.pid}-${separate}.jsonl`);
  const server = await startIspwHttp(sim, ['--http-sessions', 'stateless'], [], {
    ISPW_MCP_AUDIT_FILE: auditFile,
    // Room for every await in the "after" variant; 0 puts them into the reads' slots and pool.
    ISPW_MCP_CES_MAX_AWAITS: separate ? String(Math.max(options.awaits, 1)) : '0',
  });
  const agent = rawAgent();
  try {
    const label = separate ? 'awaits in their own slots and pool' : 'awaits share the reads’ slots and pool (before)';
    const without = await readWindow(server, options.readers, options.baselineS);
    let awaitErrors = 0;
    let awaitFirstError: string | undefined;
    const args = {
      container_type: 'assignment',
      container_id: DEMO.assignmentId,
      level: 'DEV1',
      task_ids: [DEMO.taskIds.TPROG01],
      await_in_ces: true,
      wait_seconds: held + 60,
    };
    for (let i = 0; i < options.awaits; i++) {
      void rawToolCall(agent, server.url, '2026', i + 1, 'ispw_generate', args).then(
        (r) => {
          if (r.isError) {
            awaitErrors++;
            awaitFirstError ??= r.text.slice(0, 300);
          }
        },
        (error: unknown) => {
          awaitErrors++;
          awaitFirstError ??= String(error).slice(0, 300);
        },
      );
    }
    await sleep(2_000); // let the awaits reach CES
    let connsMax = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        connsMax = Math.max(connsMax, (await getJson<{ connections: number }>(`${sim.statsUrl}/stats`)).connections);
        await sleep(1_000);
      }
    })();
    const withAwaits = await readWindow(server, options.readers, options.heldS);
    sampling = false;
    await sampler;
    log(
      `  awaits (${label}): read p50/p99 ${without.latencyMs.p50}/${without.latencyMs.p99} ms → ${withAwaits.latencyMs.p50}/${withAwaits.latencyMs.p99} ms with ${options.awaits} held; read errors ${withAwaits.errors}, await errors ${awaitErrors}`,
    );
    return { label, separate, without, with: withAwaits, awaitErrors, ...(awaitFirstError ? { awaitFirstError } : {}), cesConnectionsMax: connsMax };
  } finally {
    agent.destroy();
    await server.stop();
    await sim.stop();
    rmSync(auditFile, { force: true });
  }
}

export async function runAwaits(options: AwaitsOptions, log: (line: string) => void): Promise<AwaitsResult> {
  return { ...options, variants: [await runVariant(options, false, log), await runVariant(options, true, log)] };
}
