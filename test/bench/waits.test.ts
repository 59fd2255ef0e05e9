// Smoke of the issue-19 scenarios (bench/waits.ts, bench/awaits.ts) at a tiny size: they start the
// simulator and ispw-mcp, drive raw JSON-RPC callers in both eras, and return well-formed figures.
// No timing assertions: only that every wait was answered and every figure was measured.
import { describe, expect, it } from 'vitest';

import { runAwaits } from '../../bench/awaits.js';
import { renderWaits, waitsTargets } from '../../bench/report-waits.js';
import { runWaitsCase } from '../../bench/waits.js';

describe('waits and awaits scenarios (quick)', () => {
  it('waits: every caller answered, polls and detection measured, Jenkins baseline beside it', { timeout: 90_000 }, async () => {
    const w = await runWaitsCase({ callers: 6, durationS: [2, 3], rampS: 0.2, baselineSets: 2 }, () => {});
    expect(w.errors, w.firstError).toBe(0);
    expect(w.completed).toBe(6);
    expect(w.jenkins.sets).toBe(2);
    expect(w.pollsPerWait.mean).toBeGreaterThan(0);
    expect(w.jenkins.pollsPerWait.mean).toBeGreaterThan(0);
    expect(Number.isFinite(w.detectionMs.p50)).toBe(true);
    expect(w.samples.length).toBeGreaterThan(0);
    expect(renderWaits({ waits: [w] }).join('\n')).toContain('| 6 | 2–3 | 0 |');
    expect(waitsTargets({ waits: [w] }).every((t) => t.actual !== 'not measured')).toBe(true);
  });

  it('waits with CES callbacks: the server gives CES its callback URL and every caller is answered', { timeout: 90_000 }, async () => {
    const w = await runWaitsCase({ callers: 6, durationS: [2, 3], rampS: 0.2, baselineSets: 2, callbacks: true }, () => {});
    expect(w.errors, w.firstError).toBe(0);
    expect(w.completed).toBe(6);
    expect(renderWaits({ waits: [w] }).join('\n')).toContain('| 6 + callbacks | 2–3 | 0 |');
    expect(waitsTargets({ waits: [w] }).map((t) => t.id)).toContain('waits-6-callbacks-detection');
  });

  it('awaits: reads measured without and with held awaits, in both variants', { timeout: 90_000 }, async () => {
    const a = await runAwaits({ awaits: 4, readers: 2, baselineS: 0.5, heldS: 1 }, () => {});
    expect(a.variants.map((v) => v.separate)).toEqual([false, true]);
    const after = a.variants[1]!;
    expect(after.with.errors, after.with.firstError).toBe(0);
    expect(after.awaitErrors, after.awaitFirstError).toBe(0);
    expect(after.with.calls).toBeGreaterThan(0);
  });
});
