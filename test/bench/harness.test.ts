// Smoke run of the benchmark harness (bench/) in --quick mode: every path is started, driven and
// measured for a fraction of a second. No timing assertions — this checks that the harness produces
// well-formed results (all paths and cells, real CPU and RSS readings from /proc, no errors) and
// that the report renders, so `npm run bench` keeps working.
import { describe, expect, it } from 'vitest';

import { checkTargets, renderMarkdown } from '../../bench/report.js';
import { PATHS, QUICK, runBench, type BenchResult } from '../../bench/run.js';

const positive = (x: number | undefined) => expect(typeof x === 'number' && Number.isFinite(x) && x > 0, String(x)).toBe(true);

describe('benchmark harness (quick mode)', () => {
  it('measures every path and renders the report', { timeout: 120_000 }, async () => {
    const result: BenchResult = await runBench({ ...QUICK });

    expect(result.paths.map((p) => p.id)).toEqual(PATHS.map((p) => p.id));
    for (const path of result.paths) {
      expect(path.cells.map((c) => c.concurrency), path.id).toEqual(QUICK.concurrency);
      for (const cell of path.cells) {
        expect(cell.errors, `${path.id} c=${cell.concurrency}: ${cell.firstError}`).toBe(0);
        expect(cell.calls, path.id).toBeGreaterThan(0);
        positive(cell.throughput);
        expect(cell.latencyMs.p50).toBeLessThanOrEqual(cell.latencyMs.p99);
        expect(cell.latencyMs.p99).toBeLessThanOrEqual(cell.latencyMs.max);
        expect(cell.serverCpuUsPerCall ?? 0, path.id).toBeGreaterThanOrEqual(0);
      }
      if (path.role !== 'limit') positive(path.peakRssMb);
    }
    positive(result.ispw.startupMs.median);
    positive(result.ispw.idleRssMb);
    expect(result.ispw.toolsList.all.tools).toBeGreaterThan(0);
    expect(result.ispw.toolsList.all.tokens).toBe(Math.round(result.ispw.toolsList.all.bytes / 4));
    expect(result.soak?.callers).toBe(64);
    expect(result.soak?.errors).toBe(0);
    // The soak reads the server's V8 heap after a forced GC (bench/heap-probe.mjs) at both ends.
    positive(result.soak?.heapUsedAfterGcWarmupMb);
    positive(result.soak?.heapUsedAfterGcEndMb);
    positive(result.soak?.rssMidMb);
    expect(result.machine.loadAverageBefore).toHaveLength(3);
    expect(result.commit).toMatch(/^[0-9a-f]{4,}$|^unknown$/);

    const targets = checkTargets(result);
    expect(targets.length).toBeGreaterThanOrEqual(12);
    for (const t of targets) expect(t.actual, t.id).not.toBe('not measured');
    const markdown = renderMarkdown(result, 'bench/results/x.json');
    for (const path of PATHS) expect(markdown).toContain(path.label);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
