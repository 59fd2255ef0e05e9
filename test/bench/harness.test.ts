// The benchmark harness (bench/). The default test run keeps a quick smoke: one ispw-mcp path at
// one concurrency, no soak — enough to show that `npm run bench` starts servers, drives calls,
// reads CPU and RSS from /proc and renders its report. Every path, both concurrencies and the soak
// run with `npm run bench:check` (BENCH_FULL=1), outside the default run. No timing assertions.
import { describe, expect, it } from 'vitest';

import { checkTargets, renderMarkdown } from '../../bench/report.js';
import { PATHS, QUICK, runBench, type BenchResult } from '../../bench/run.js';

const FULL_CHECK = process.env.BENCH_FULL === '1';
const positive = (x: number | undefined) => expect(typeof x === 'number' && Number.isFinite(x) && x > 0, String(x)).toBe(true);

/** Checks what every measured path must have, whatever the selection. */
function expectWellFormed(result: BenchResult, concurrency: readonly number[]) {
  for (const path of result.paths) {
    expect(
      path.cells.map((c) => c.concurrency),
      path.id,
    ).toEqual(concurrency);
    for (const cell of path.cells) {
      expect(cell.errors, `${path.id} c=${cell.concurrency}: ${cell.firstError}`).toBe(0);
      expect(cell.calls, path.id).toBeGreaterThan(0);
      positive(cell.throughput);
      expect(cell.latencyMs.p50).toBeLessThanOrEqual(cell.latencyMs.p99);
      expect(cell.latencyMs.p99).toBeLessThanOrEqual(cell.latencyMs.max);
      // Every path but the direct GET has a server whose CPU is read from /proc.
      if (path.role !== 'limit') positive(cell.serverCpuUsPerCall);
    }
    if (path.role !== 'limit') positive(path.peakRssMb);
  }
  positive(result.ispw.startupMs.median);
  positive(result.ispw.idleRssMb);
  expect(result.ispw.toolsList.all.tools).toBeGreaterThan(0);
  expect(result.ispw.toolsList.all.tokens).toBe(Math.round(result.ispw.toolsList.all.bytes / 4));
  expect(result.machine.loadAverageBefore).toHaveLength(3);
  expect(result.commit).toMatch(/^[0-9a-f]{4,}$|^unknown$/);
}

describe('benchmark harness', () => {
  it('quick smoke: one ispw-mcp path at one concurrency, measured and reported', { timeout: 60_000 }, async () => {
    const result = await runBench({ ...QUICK, concurrency: [1], soakS: 0, only: ['ispw-http-2026'] });
    expect(result.paths.map((p) => p.id)).toEqual(['ispw-http-2026']);
    expectWellFormed(result, [1]);
    expect(result.soak).toBeUndefined();
    expect(renderMarkdown(result, 'bench/results/x.json')).toContain('ispw-mcp, HTTP, 2026 era');
  });

  it.runIf(FULL_CHECK)('every path, the soak and the targets (npm run bench:check)', { timeout: 180_000 }, async () => {
    const result = await runBench({ ...QUICK });
    expect(result.paths.map((p) => p.id)).toEqual(PATHS.map((p) => p.id));
    expectWellFormed(result, QUICK.concurrency);
    expect(result.soak?.callers).toBe(64);
    expect(result.soak?.errors).toBe(0);
    // The soak reads the server's V8 heap after a forced GC (bench/heap-probe.mjs) at both ends.
    positive(result.soak?.heapUsedAfterGcWarmupMb);
    positive(result.soak?.heapUsedAfterGcEndMb);
    positive(result.soak?.rssMidMb);
    const targets = checkTargets(result);
    expect(targets.length).toBeGreaterThanOrEqual(12);
    for (const t of targets) expect(t.actual, t.id).not.toBe('not measured');
    const markdown = renderMarkdown(result, 'bench/results/x.json');
    for (const path of PATHS) expect(markdown).toContain(path.label);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
