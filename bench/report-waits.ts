// Targets and Markdown of the `waits` and `awaits` scenarios (issue 19), for bench/report.ts.
import type { AwaitsResult } from './awaits.js';
import type { TargetCheck } from './report.js';
import { waitsLabel, type WaitsResult } from './waits.js';

export interface WaitsSection {
  waits?: WaitsResult[];
  awaits?: AwaitsResult;
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

function check(id: string, description: string, target: string, value: number | undefined, ok: (v: number) => boolean, unit: string, digits = 1): TargetCheck {
  const measured = value !== undefined && Number.isFinite(value);
  return { id, description, target, actual: measured ? `${fmt(value, digits)}${unit}` : 'not measured', met: measured ? ok(value) : null };
}

/** Requests per wait ÷ the Jenkins baseline's, both measured in the same case. */
export const jenkinsRatio = (w: WaitsResult) => w.pollsPerWait.mean / w.jenkins.pollsPerWait.mean;

export function waitsTargets(result: WaitsSection): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const largest = result.waits?.reduce<WaitsResult | undefined>((a, w) => (!w.callbacks && (!a || w.callers > a.callers) ? w : a), undefined);
  if (largest) {
    const n = largest.callers;
    checks.push(check('waits-errors', `${n} concurrent set waits: errors`, '0', largest.errors, (v) => v === 0, '', 0));
    checks.push(check('waits-rss', `${n} concurrent set waits: server RSS (max)`, '< 300 MB', largest.rssMaxMb, (v) => v < 300, ' MB'));
    checks.push(
      check('waits-lag', `${n} concurrent set waits: event-loop lag p99 (worst 2 s window)`, '< 20 ms', largest.eventLoopLagP99MaxMs, (v) => v < 20, ' ms'),
    );
  }
  for (const w of result.waits ?? []) {
    const id = `waits-${w.callers}${w.callbacks ? '-callbacks' : ''}`;
    const label = `${waitsLabel(w)} waits`;
    checks.push(check(`${id}-ratio`, `${label}: set polls per wait ÷ Jenkins 2 s baseline`, '≤ 0.5×', jenkinsRatio(w), (v) => v <= 0.5, '×', 2));
    checks.push(check(`${id}-detection`, `${label}: median detection delay`, '≤ 2 s', w.detectionMs.p50 / 1000, (v) => v <= 2, ' s', 2));
  }
  const after = result.awaits?.variants.find((v) => v.separate);
  if (after) {
    const ratio = after.with.latencyMs.p99 / after.without.latencyMs.p99;
    checks.push(
      check(
        'awaits-read-p99',
        `read p99 with ${result.awaits!.awaits} awaits held ÷ without (errors: ${after.with.errors})`,
        '≤ 1.5× (noise)',
        after.with.errors > 0 ? NaN : ratio,
        (v) => v <= 1.5,
        '×',
        2,
      ),
    );
  }
  return checks;
}

export function renderWaits(result: WaitsSection): string[] {
  const lines: string[] = [];
  if (result.waits?.length) {
    lines.push(
      '',
      'Set waits (`ispw_generate … wait_seconds`, half per era, raw JSON-RPC; Jenkins = a 2 s poller on its own sets in the same run):',
      '',
      '| Waits | set length s | errors | detection p50 / p90 / p99 ms | polls/wait (mean) | Jenkins polls/wait | ÷ Jenkins | Jenkins detection p50 ms | CES req/wait | CES req/s mean / max | CES conns max | RSS max MB | heap max MB | lag p99 median / max ms | load after |',
      '|---:|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---|',
    );
    for (const w of result.waits) {
      lines.push(
        `| ${waitsLabel(w)} | ${w.durationS[0]}–${w.durationS[1]} | ${w.errors} | ${fmt(w.detectionMs.p50, 0)} / ${fmt(w.detectionMs.p90, 0)} / ${fmt(w.detectionMs.p99, 0)} | ` +
          `${fmt(w.pollsPerWait.mean)} | ${fmt(w.jenkins.pollsPerWait.mean)} | ${fmt(jenkinsRatio(w), 2)} | ${fmt(w.jenkins.detectionMs.p50, 0)} | ${fmt(w.cesRequestsPerWait)} | ` +
          `${fmt(w.cesRequestsPerSecond.mean, 0)} / ${fmt(w.cesRequestsPerSecond.max, 0)} | ${w.cesConnectionsMax} | ${fmt(w.rssMaxMb)} | ${fmt(w.heapUsedMaxMb)} | ` +
          `${fmt(w.eventLoopLagP99MedianMs)} / ${fmt(w.eventLoopLagP99MaxMs)} | ${w.loadAverageAfter?.join(' / ') ?? '–'} |`,
      );
    }
  }
  if (result.awaits) {
    const a = result.awaits;
    lines.push(
      '',
      `Reads (${a.readers} callers, \`ispw_get_assignment\`) with ${a.awaits} awaited calls held (generate-await), ${a.baselineS} s without then ${a.heldS} s with:`,
      '',
      '| Variant | read p50 / p99 ms without | read p50 / p99 ms with | read errors with | await errors | CES conns max |',
      '|---|---|---|---:|---:|---:|',
    );
    for (const v of a.variants) {
      lines.push(
        `| ${v.label} | ${fmt(v.without.latencyMs.p50, 2)} / ${fmt(v.without.latencyMs.p99, 2)} | ${fmt(v.with.latencyMs.p50, 2)} / ${fmt(v.with.latencyMs.p99, 2)} | ${v.with.errors} | ${v.awaitErrors} | ${v.cesConnectionsMax} |`,
      );
    }
  }
  return lines;
}
