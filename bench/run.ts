// The benchmark run: starts the zero-latency simulator, then measures each path in turn — the
// direct CES call (the limit), the SDK reference server (the comparator) and ispw-mcp over stdio
// and Streamable HTTP in both eras — at each concurrency, then a soak under 64 callers, start-up
// time, idle memory and the size of tools/list. Returns one result object (see BenchResult).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

import { DEMO } from '../simulator/index.js';
import { measureToolsList } from '../scripts/generate-tools-doc.js';
import { ALL_TOOLS, TOOLSETS } from '../src/tools/index.js';
import { connectStdio, directCallers, httpCallers, type Callers, type Era, type StdioConnection, type ToolCall } from './callers.js';
import { closedLoop, type CellResult } from './load.js';
import { heapProbe } from './heap-probe-client.js';
import { runAwaits, type AwaitsOptions, type AwaitsResult } from './awaits.js';
import { runWaitsCase, waitsLabel, type WaitsCase, type WaitsResult } from './waits.js';
import { clockTicks, loadAverage, peakRssMb, rssMb } from './proc.js';
import {
  ISPW_MAIN,
  REFERENCE_SERVER,
  ROOT,
  TSX,
  assertBuilt,
  serverEnv,
  startIspwHttp,
  startReferenceHttp,
  startSimulatorProcess,
  type Child,
  type Simulator,
} from './processes.js';

export interface BenchOptions {
  quick: boolean;
  warmupS: number;
  durationS: number;
  concurrency: number[];
  soakS: number;
  soakWarmupS: number;
  startupRuns: number;
  /** Path ids to run (default: all); `waits` and `awaits` select the issue-19 scenarios. */
  only?: string[];
  /** Set-wait cases (bench/waits.ts) and the awaited-call scenario (bench/awaits.ts). */
  waits?: WaitsCase[];
  awaits?: AwaitsOptions;
  log?: (line: string) => void;
}

export const FULL: Omit<BenchOptions, 'log'> = {
  quick: false,
  warmupS: 2,
  durationS: 6,
  concurrency: [1, 16, 64],
  soakS: 60,
  soakWarmupS: 30,
  startupRuns: 5,
  // Sets of 30–120 s; the 5000 case 30–60 s so that the three fit in ~6 minutes. A poll budget of
  // 1000/s per replica, as an operator would size it for this simulator (docs/performance.md, "Waits").
  waits: [
    { callers: 100, durationS: [30, 120], rampS: 1, baselineSets: 100, pollBudget: 1000 },
    { callers: 1000, durationS: [30, 120], rampS: 5, baselineSets: 100, pollBudget: 1000 },
    { callers: 5000, durationS: [30, 60], rampS: 25, baselineSets: 100, pollBudget: 1000 },
    // The same 1000 waits where CES may call back (polling at most every 30 s as the fallback).
    { callers: 1000, durationS: [30, 120], rampS: 5, baselineSets: 100, pollBudget: 1000, callbacks: true },
  ],
  awaits: { awaits: 500, readers: 16, baselineS: 8, heldS: 12 },
};
export const QUICK: Omit<BenchOptions, 'log'> = {
  quick: true,
  warmupS: 0.1,
  durationS: 0.3,
  concurrency: [1, 4],
  soakS: 1,
  soakWarmupS: 0.3,
  startupRuns: 1,
  waits: [
    { callers: 10, durationS: [2, 4], rampS: 0.5, baselineSets: 4 },
    { callers: 10, durationS: [2, 4], rampS: 0.5, baselineSets: 4, callbacks: true },
  ],
  awaits: { awaits: 20, readers: 4, baselineS: 1, heldS: 2 },
};

export type Role = 'limit' | 'comparator' | 'ispw';

export interface PathSpec {
  id: string;
  label: string;
  role: Role;
  transport: 'http-get' | 'stdio' | 'http';
  era?: Era;
  /** For ispw paths: the comparator path id. */
  comparator?: string;
}

export const PATHS: readonly PathSpec[] = [
  { id: 'direct', label: 'Direct HTTP GET to the simulator', role: 'limit', transport: 'http-get' },
  { id: 'reference-stdio', label: 'SDK reference server, stdio', role: 'comparator', transport: 'stdio', era: '2025' },
  { id: 'reference-http-2025', label: 'SDK reference server, HTTP, 2025 era (createMcpHandler)', role: 'comparator', transport: 'http', era: '2025' },
  { id: 'reference-http-2026', label: 'SDK reference server, HTTP, 2026 era (createMcpHandler)', role: 'comparator', transport: 'http', era: '2026' },
  { id: 'ispw-stdio', label: 'ispw-mcp, stdio', role: 'ispw', transport: 'stdio', era: '2025', comparator: 'reference-stdio' },
  { id: 'ispw-http-2025', label: 'ispw-mcp, HTTP, 2025 era, stateless', role: 'ispw', transport: 'http', era: '2025', comparator: 'reference-http-2025' },
  { id: 'ispw-http-2026', label: 'ispw-mcp, HTTP, 2026 era', role: 'ispw', transport: 'http', era: '2026', comparator: 'reference-http-2026' },
];

export interface PathResult extends PathSpec {
  /** RSS of the server once started and answering, before load (MB). */
  startRssMb?: number;
  /** VmHWM of the server after all cells (MB). */
  peakRssMb?: number;
  cells: CellResult[];
}

export interface SoakResult {
  path: string;
  callers: number;
  warmupS: number;
  durationS: number;
  calls: number;
  errors: number;
  firstError?: string;
  throughput: number;
  latencyMs: CellResult['latencyMs'];
  serverCpuUsPerCall?: number;
  rssAfterWarmupMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  /** (end − after warm-up) / after warm-up, in per cent. */
  rssGrowthPct: number;
  /** RSS half-way through the measured window: a leak grows as much in the second half as in the first. */
  rssMidMb?: number;
  /** (end − middle) / middle, in per cent. */
  rssSecondHalfGrowthPct?: number;
  /** V8 heap in use after a forced full GC at the end of the warm-up and at the end (what a leak grows). */
  heapUsedAfterGcWarmupMb?: number;
  heapUsedAfterGcEndMb?: number;
  heapAfterGcGrowthPct?: number;
  /** V8's heap as sized by the end of the run (before the last GC): total, young generation, old space. */
  heapTotalEndMb?: number;
  youngGenerationEndMb?: number;
  oldSpaceEndMb?: number;
  /** RSS every 5 s from the start of the soak (seconds, MB). */
  rssSamples?: { t: number; rss: number }[];
}

export interface BenchResult {
  schema: 1;
  date: string;
  commit: string;
  /** The working tree had uncommitted changes when measured. */
  dirty: boolean;
  node: string;
  machine: { cpus: number; model: string; clockTicks: number; loadAverageBefore: number[]; loadAverageAfter: number[] };
  settings: Omit<BenchOptions, 'log'>;
  wallS: number;
  paths: PathResult[];
  ispw: {
    startupMs: { median: number; runs: number[] };
    idleRssMb?: number;
    toolsList: { all: { tools: number; bytes: number; tokens: number }; defaultToolsets: { toolsets: string[]; tools: number; bytes: number; tokens: number } };
  };
  soak?: SoakResult;
  waits?: WaitsResult[];
  awaits?: AwaitsResult;
}

const ISPW_TOOL: ToolCall = { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } };
const REFERENCE_TOOL: ToolCall = { name: 'get_assignment', arguments: { assignment_id: DEMO.assignmentId } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** A running server for one path: how to build callers at a concurrency, and how to stop it. */
interface Target {
  pid?: number;
  callers(concurrency: number): Promise<Callers>;
  stop(): Promise<void>;
}

async function startTarget(spec: PathSpec, sim: Simulator, stdio?: StdioConnection): Promise<Target> {
  if (spec.transport === 'http-get') {
    return { callers: async (c) => directCallers(sim, DEMO.assignmentId, c), stop: async () => {} };
  }
  const tool = spec.role === 'ispw' ? ISPW_TOOL : REFERENCE_TOOL;
  if (spec.transport === 'stdio') {
    const conn = stdio ?? (await connectStdio(process.execPath, [...TSX, REFERENCE_SERVER, 'stdio'], serverEnv(sim), spec.era));
    return { pid: conn.pid, callers: async (c) => conn.callers(tool, c), stop: () => conn.close() };
  }
  const server: Child & { url: string } = spec.role === 'ispw' ? await startIspwHttp(sim, ['--http-sessions', 'stateless']) : await startReferenceHttp(sim);
  return { pid: server.pid, callers: (c) => httpCallers(server.url, spec.era!, tool, c), stop: () => server.stop() };
}

async function runPath(spec: PathSpec, sim: Simulator, options: BenchOptions, stdio?: StdioConnection): Promise<PathResult> {
  const target = await startTarget(spec, sim, stdio);
  try {
    await sleep(options.quick ? 50 : 300);
    const startRssMb = target.pid ? rssMb(target.pid) : undefined;
    const cells: CellResult[] = [];
    for (const concurrency of options.concurrency) {
      const callers = await target.callers(concurrency);
      try {
        const cell = await closedLoop(callers.calls, {
          warmupMs: options.warmupS * 1000,
          durationMs: options.durationS * 1000,
          serverPid: target.pid ?? sim.pid,
          simulatorPid: sim.pid,
        });
        cells.push(cell);
        options.log?.(
          `  ${spec.id} c=${concurrency}: ${cell.throughput} calls/s, p50 ${cell.latencyMs.p50} ms, p99 ${cell.latencyMs.p99} ms, server CPU ${cell.serverCpuUsPerCall ?? '?'} µs/call, errors ${cell.errors}`,
        );
      } finally {
        await callers.close();
      }
    }
    return { ...spec, ...(startRssMb ? { startRssMb } : {}), ...(target.pid ? { peakRssMb: peakRssMb(target.pid) } : {}), cells };
  } finally {
    await target.stop();
  }
}

/** ispw-mcp over stdio, started `runs` times: start-up to first tools/list, and idle RSS. */
async function stdioStartup(sim: Simulator, options: BenchOptions): Promise<{ runs: number[]; idleRssMb?: number; kept: StdioConnection }> {
  const runs: number[] = [];
  for (let i = 0; ; i++) {
    const conn = await connectStdio(process.execPath, [ISPW_MAIN, 'serve'], serverEnv(sim));
    runs.push(conn.startupMs);
    if (i + 1 >= options.startupRuns) {
      await sleep(options.quick ? 100 : 1500); // idle: let start-up garbage settle
      return { runs, idleRssMb: rssMb(conn.pid), kept: conn };
    }
    await conn.close();
  }
}

/**
 * 64 callers (half per era) against one stateless HTTP server; RSS sampled every second. The server
 * runs with bench/heap-probe.mjs, so the heap in use after a forced full GC is read at the end of
 * the warm-up and at the end: RSS alone mixes a leak with V8 growing its young generation and old
 * space limit to the allocation rate, which takes tens of seconds under this load (docs/performance.md).
 */
async function soak(sim: Simulator, options: BenchOptions): Promise<SoakResult> {
  const probe = heapProbe(options.quick ? 100 : 1000);
  const server = await startIspwHttp(sim, ['--http-sessions', 'stateless'], probe.nodeArgs, probe.env);
  const half = 32;
  const sets = [await httpCallers(server.url, '2025', ISPW_TOOL, half), await httpCallers(server.url, '2026', ISPW_TOOL, half)];
  const samples: { t: number; rss: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => samples.push({ t: performance.now() - t0, rss: rssMb(server.pid) ?? NaN }), options.quick ? 100 : 1000);
  const warmupMs = options.soakWarmupS * 1000;
  const gcTimeoutMs = options.quick ? 10_000 : 60_000;
  // RSS is read before each forced GC, so the GC does not lower the figure it is compared with.
  let afterWarmup = NaN;
  let mid = NaN;
  const warmupEdge = (async () => {
    await sleep(warmupMs);
    afterWarmup = rssMb(server.pid) ?? NaN;
    await probe.command(server.pid, 'gc warmup', gcTimeoutMs);
  })();
  const midTimer = setTimeout(() => (mid = rssMb(server.pid) ?? NaN), warmupMs + (options.soakS * 1000) / 2);
  try {
    const cell = await closedLoop([...sets[0]!.calls, ...sets[1]!.calls], {
      warmupMs,
      durationMs: options.soakS * 1000,
      serverPid: server.pid,
    });
    clearInterval(sampler);
    await warmupEdge;
    const end = rssMb(server.pid) ?? NaN;
    const beforeEndGc = probe.lines().at(-1);
    await probe.command(server.pid, 'gc end', gcTimeoutMs);
    const max = Math.max(...samples.filter((s) => s.t >= warmupMs).map((s) => s.rss), end);
    const heapWarm = probe.afterGc('warmup');
    const heapEnd = probe.afterGc('end');
    const mb = (kb: number | undefined) => (kb === undefined ? undefined : Math.round(kb / 102.4) / 10);
    const pct = (from: number | undefined, to: number | undefined) =>
      from === undefined || to === undefined ? undefined : Math.round(((to - from) / from) * 1000) / 10;
    const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !Number.isNaN(v))) as Partial<T>;
    return {
      path: 'ispw-http (2025 stateless + 2026)',
      callers: 2 * half,
      warmupS: options.soakWarmupS,
      durationS: options.soakS,
      calls: cell.calls,
      errors: cell.errors,
      ...(cell.firstError ? { firstError: cell.firstError } : {}),
      throughput: cell.throughput,
      latencyMs: cell.latencyMs,
      ...(cell.serverCpuUsPerCall !== undefined ? { serverCpuUsPerCall: cell.serverCpuUsPerCall } : {}),
      rssAfterWarmupMb: afterWarmup,
      rssEndMb: end,
      rssMaxMb: max,
      rssGrowthPct: Math.round(((end - afterWarmup) / afterWarmup) * 1000) / 10,
      ...defined({
        rssMidMb: mid,
        rssSecondHalfGrowthPct: pct(mid, end),
        heapUsedAfterGcWarmupMb: mb(heapWarm?.heapUsedKb),
        heapUsedAfterGcEndMb: mb(heapEnd?.heapUsedKb),
        heapAfterGcGrowthPct: pct(heapWarm?.heapUsedKb, heapEnd?.heapUsedKb),
        heapTotalEndMb: mb(beforeEndGc?.heapTotalKb),
        youngGenerationEndMb: mb(beforeEndGc?.spaces.new_space?.sizeKb),
        oldSpaceEndMb: mb(beforeEndGc?.spaces.old_space?.sizeKb),
      }),
      rssSamples: samples.filter((_, i) => options.quick || i % 5 === 4).map((s) => ({ t: Math.round(s.t / 100) / 10, rss: s.rss })),
    };
  } finally {
    clearInterval(sampler);
    clearTimeout(midTimer);
    await Promise.all(sets.map((s) => s.close()));
    await server.stop();
    probe.remove();
  }
}

async function toolsListSizes() {
  const defaults = TOOLSETS.filter((t) => t.default).map((t) => t.id);
  const defaultTools = ALL_TOOLS.filter((t) => defaults.includes(t.toolset));
  return {
    all: { tools: ALL_TOOLS.length, ...(await measureToolsList(ALL_TOOLS)) },
    defaultToolsets: { toolsets: defaults, tools: defaultTools.length, ...(await measureToolsList(defaultTools)) },
  };
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  assertBuilt();
  const log = options.log ?? (() => {});
  const started = performance.now();
  const loadAverageBefore = loadAverage();
  const selected = PATHS.filter((p) => !options.only || options.only.includes(p.id));
  const sim = await startSimulatorProcess('bench-token-0f3c9a');
  try {
    log(`simulator ${sim.url} (pid ${sim.pid}); load average ${loadAverageBefore.join(' ')}`);
    const startup = await stdioStartup(sim, options);
    log(`ispw-mcp stdio start-up to first tools/list: ${startup.runs.join(', ')} ms; idle RSS ${startup.idleRssMb} MB`);
    const paths: PathResult[] = [];
    let kept: StdioConnection | undefined = startup.kept;
    for (const spec of selected) {
      log(`${spec.id}: ${spec.label}`);
      const useKept = spec.id === 'ispw-stdio' ? kept : undefined;
      if (useKept) kept = undefined;
      paths.push(await runPath(spec, sim, options, useKept));
    }
    await kept?.close();
    const soakResult = options.soakS > 0 && (!options.only || options.only.includes('soak')) ? await soak(sim, options) : undefined;
    if (soakResult)
      log(
        `soak: ${soakResult.calls} calls, ${soakResult.errors} errors, RSS ${soakResult.rssAfterWarmupMb} → ${soakResult.rssEndMb} MB (${soakResult.rssGrowthPct} %)`,
      );
    const wanted = (id: string) => !options.only || options.only.includes(id);
    const waits: WaitsResult[] = [];
    for (const c of wanted('waits') ? (options.waits ?? []) : []) {
      log(`waits: ${waitsLabel(c)} callers, sets of ${c.durationS.join('–')} s`);
      const w = await runWaitsCase(c, log);
      waits.push(w);
      log(
        `  waits n=${w.callers}: ${w.errors} errors, detection p50 ${w.detectionMs.p50} ms, polls/wait ${w.pollsPerWait.mean} (Jenkins ${w.jenkins.pollsPerWait.mean}), RSS max ${w.rssMaxMb} MB, lag p99 max ${w.eventLoopLagP99MaxMs} ms`,
      );
    }
    const awaits = wanted('awaits') && options.awaits ? await runAwaits(options.awaits, log) : undefined;
    const { log: _log, ...settings } = options;
    return {
      schema: 1,
      date: new Date().toISOString(),
      commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
      dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
      node: process.version,
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', clockTicks: clockTicks(), loadAverageBefore, loadAverageAfter: loadAverage() },
      settings,
      wallS: Math.round((performance.now() - started) / 100) / 10,
      paths,
      ispw: {
        startupMs: { median: median(startup.runs), runs: startup.runs },
        ...(startup.idleRssMb ? { idleRssMb: startup.idleRssMb } : {}),
        toolsList: await toolsListSizes(),
      },
      ...(soakResult ? { soak: soakResult } : {}),
      ...(waits.length ? { waits } : {}),
      ...(awaits ? { awaits } : {}),
    };
  } finally {
    await sim.stop();
  }
}
