// The closed-loop load generator: N workers each issue a call, wait for its answer, and issue the
// next, for a warm-up and then a measured window. Only calls that start and finish inside the window
// count, and server CPU is sampled at the window's edges, so both refer to the same interval.
import { performance } from 'node:perf_hooks';

import { cpuSeconds } from './proc.js';

export type Call = () => Promise<void>;

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface CellResult {
  concurrency: number;
  /** Length of the measured window in seconds. */
  windowS: number;
  calls: number;
  errors: number;
  firstError?: string;
  /** Completed calls per second in the window. */
  throughput: number;
  latencyMs: LatencySummary;
  /** Server process utime+stime over the window divided by the calls in it (µs). */
  serverCpuUsPerCall?: number;
  /** The same for the CES simulator, which does the CES work of every path. */
  simulatorCpuUsPerCall?: number;
}

export interface LoadOptions {
  warmupMs: number;
  durationMs: number;
  serverPid?: number;
  simulatorPid?: number;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function summarise(latencies: number[]): LatencySummary {
  if (latencies.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]!), mean: round(mean) };
}

/** Runs one cell: `calls.length` concurrent closed-loop workers. */
export async function closedLoop(calls: readonly Call[], options: LoadOptions): Promise<CellResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const windowStart = t0 + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const cpu = { server: [0, 0], simulator: [0, 0] };
  const sample = (edge: 0 | 1) => {
    if (options.serverPid) cpu.server[edge] = cpuSeconds(options.serverPid) ?? NaN;
    if (options.simulatorPid) cpu.simulator[edge] = cpuSeconds(options.simulatorPid) ?? NaN;
  };
  // Both edges are timers, so a busy loop delays them equally; the end sample is awaited, never
  // cancelled, so the CPU delta always covers the window.
  const startTimer = setTimeout(() => sample(0), options.warmupMs);
  const endSampled = new Promise<void>((resolve) => setTimeout(() => resolve(sample(1)), options.warmupMs + options.durationMs));

  await Promise.all(
    calls.map(async (call) => {
      while (performance.now() < windowEnd) {
        const started = performance.now();
        try {
          await call();
          const ended = performance.now();
          if (started >= windowStart && ended <= windowEnd) latencies.push(ended - started);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  await endSampled;
  clearTimeout(startTimer);

  const windowS = options.durationMs / 1000;
  const perCall = (pair: number[]) =>
    latencies.length > 0 && Number.isFinite(pair[1]! - pair[0]!) ? round(((pair[1]! - pair[0]!) / latencies.length) * 1e6, 1) : undefined;
  return {
    concurrency: calls.length,
    windowS,
    calls: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    throughput: round(latencies.length / windowS, 1),
    latencyMs: summarise(latencies),
    ...(options.serverPid ? { serverCpuUsPerCall: perCall(cpu.server) } : {}),
    ...(options.simulatorPid ? { simulatorCpuUsPerCall: perCall(cpu.simulator) } : {}),
  };
}
