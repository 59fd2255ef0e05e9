// Turns a benchmark result into the target checks of issue #7 and the Markdown tables that
// `docs/performance.md` shows between its generated-section markers.
import { readFileSync, writeFileSync } from 'node:fs';

import type { CellResult } from './load.js';
import type { BenchResult, PathResult } from './run.js';
import { renderWaits, waitsTargets } from './report-waits.js';

export interface TargetCheck {
  id: string;
  description: string;
  target: string;
  actual: string;
  met: boolean | null;
}

/** Concurrency at which CPU per call is judged: the server is busy, so idle wake-ups do not dominate. */
export const CPU_JUDGED_AT = 16;

const cell = (path: PathResult | undefined, c: number): CellResult | undefined => path?.cells.find((x) => x.concurrency === c);
const peakThroughput = (path: PathResult | undefined) => (path ? Math.max(...path.cells.map((c) => c.throughput)) : NaN);
const fmt = (x: number | undefined, digits = 2) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const judged = (c: number[]) => (c.includes(CPU_JUDGED_AT) ? CPU_JUDGED_AT : Math.max(...c));

export function checkTargets(result: BenchResult): TargetCheck[] {
  const byId = new Map(result.paths.map((p) => [p.id, p]));
  const c = judged(result.settings.concurrency);
  const checks: TargetCheck[] = [];
  const add = (id: string, description: string, target: string, value: number | undefined, ok: (v: number) => boolean, unit: string, digits = 2) =>
    checks.push({
      id,
      description,
      target,
      actual: value === undefined || !Number.isFinite(value) ? 'not measured' : `${fmt(value, digits)}${unit}`,
      met: value === undefined || !Number.isFinite(value) ? null : ok(value),
    });
  const direct = cell(byId.get('direct'), 1)?.latencyMs.p50;
  for (const era of ['2025', '2026']) {
    const ispw = byId.get(`ispw-http-${era}`);
    const ref = byId.get(`reference-http-${era}`);
    add(
      `http-${era}-cpu`,
      `HTTP ${era} era: server CPU per ispw_get_assignment call (c=${c})`,
      '≤ 200 µs',
      cell(ispw, c)?.serverCpuUsPerCall,
      (v) => v <= 200,
      ' µs',
      0,
    );
    add(
      `http-${era}-throughput-ratio`,
      `HTTP ${era} era: peak throughput ÷ SDK reference server's`,
      '≥ 2.5×',
      peakThroughput(ispw) / peakThroughput(ref),
      (v) => v >= 2.5,
      '×',
    );
    const p50 = cell(ispw, 1)?.latencyMs.p50;
    add(
      `http-${era}-added-p50`,
      `HTTP ${era} era: p50 added over the direct call (c=1)`,
      '≤ 0.3 ms',
      p50 !== undefined && direct !== undefined ? p50 - direct : undefined,
      (v) => v <= 0.3,
      ' ms',
      3,
    );
  }
  add('stdio-cpu', `stdio: server CPU per call (c=${c})`, '≤ 100 µs', cell(byId.get('ispw-stdio'), c)?.serverCpuUsPerCall, (v) => v <= 100, ' µs', 0);
  const stdioRef = cell(byId.get('reference-stdio'), c)?.serverCpuUsPerCall;
  const stdioCpu = cell(byId.get('ispw-stdio'), c)?.serverCpuUsPerCall;
  add(
    'stdio-cpu-ratio',
    `stdio: server CPU per call ÷ SDK reference server's (c=${c})`,
    '≤ 1.0×',
    stdioCpu !== undefined && stdioRef ? stdioCpu / stdioRef : undefined,
    (v) => v <= 1,
    '×',
  );
  add('stdio-startup', 'stdio: start-up to first tools/list answer (median)', '≤ 200 ms', result.ispw.startupMs.median, (v) => v <= 200, ' ms', 0);
  add('stdio-idle-rss', 'stdio: idle RSS', '≤ 70 MB', result.ispw.idleRssMb, (v) => v <= 70, ' MB', 1);
  if (result.soak) {
    add('soak-errors', `${result.soak.callers} callers for ${result.soak.durationS} s: errors`, '0', result.soak.errors, (v) => v === 0, '', 0);
    add(
      'soak-rss-growth',
      `${result.soak.callers} callers for ${result.soak.durationS} s: RSS growth after warm-up`,
      '< 10 %',
      result.soak.rssGrowthPct,
      (v) => v < 10,
      ' %',
      1,
    );
  }
  const { all, defaultToolsets } = result.ispw.toolsList;
  add('tools-list-all', `tools/list, all ${all.tools} tools (bytes / 4)`, '≤ 8,000 tokens', all.tokens, (v) => v <= 8000, ' tokens', 0);
  add(
    'tools-list-default',
    `tools/list, default toolsets (${defaultToolsets.tools} tools)`,
    `< all (${all.tokens})`,
    defaultToolsets.tokens,
    (v) => v < all.tokens,
    ' tokens',
    0,
  );
  checks.push(...waitsTargets(result)); // issue 19: set waits and awaited calls
  return checks;
}

/** The generated part of docs/performance.md. */
export function renderMarkdown(result: BenchResult, resultFile: string): string {
  const byId = new Map(result.paths.map((p) => [p.id, p]));
  const direct = byId.get('direct');
  const lines = [
    `Run ${result.date.slice(0, 10)} at commit \`${result.commit}\`${result.dirty ? ' (with uncommitted changes)' : ''}, Node ${result.node}, ` +
      `${result.machine.cpus} × ${result.machine.model}; load average ${result.machine.loadAverageBefore.join(' / ')} before, ` +
      `${result.machine.loadAverageAfter.join(' / ')} after (the cores are shared, so expect ±20 % noise). ` +
      `Each cell: ${result.settings.warmupS} s warm-up, ${result.settings.durationS} s measured; raw figures in \`${resultFile}\`.`,
    '',
    '| Path | c | calls/s | p50 ms | p90 ms | p99 ms | server CPU µs/call | sim CPU µs/call | ÷ limit (calls/s) | ÷ comparator (calls/s) | p50 over direct ms | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const path of result.paths) {
    const comparator = path.comparator ? byId.get(path.comparator) : undefined;
    for (const x of path.cells) {
      const lim = cell(direct, x.concurrency);
      const cmp = cell(comparator, x.concurrency);
      lines.push(
        `| ${path.label} | ${x.concurrency} | ${Math.round(x.throughput)} | ${fmt(x.latencyMs.p50)} | ${fmt(x.latencyMs.p90)} | ${fmt(x.latencyMs.p99)} | ` +
          `${path.role === 'limit' ? '–' : fmt(x.serverCpuUsPerCall, 0)} | ${fmt(x.simulatorCpuUsPerCall, 0)} | ` +
          `${path.role === 'limit' ? '1' : fmt(lim ? x.throughput / lim.throughput : undefined)} | ${cmp ? fmt(x.throughput / cmp.throughput) : '–'} | ` +
          `${path.role === 'limit' || !lim ? '–' : fmt(x.latencyMs.p50 - lim.latencyMs.p50, 3)} | ${x === path.cells[0] ? fmt(path.peakRssMb, 1) : ''} |` +
          (x.errors ? ` ${x.errors} errors` : ''),
      );
    }
  }
  const { all, defaultToolsets } = result.ispw.toolsList;
  lines.push(
    '',
    `ispw-mcp start-up to first \`tools/list\` answer over stdio: median ${fmt(result.ispw.startupMs.median, 0)} ms (runs: ${result.ispw.startupMs.runs.join(', ')}); ` +
      `idle RSS ${fmt(result.ispw.idleRssMb, 1)} MB. \`tools/list\`: all ${all.tools} tools ${all.bytes} bytes ≈ ${all.tokens} tokens; ` +
      `default toolsets (${defaultToolsets.toolsets.join(', ')}; ${defaultToolsets.tools} tools) ${defaultToolsets.bytes} bytes ≈ ${defaultToolsets.tokens} tokens.`,
  );
  if (result.soak) {
    const s = result.soak;
    lines.push(
      '',
      `Soak: ${s.callers} callers (half per era) on one stateless HTTP server for ${s.durationS} s after ${s.warmupS} s warm-up: ${s.calls} calls, ` +
        `${s.errors} errors, ${Math.round(s.throughput)} calls/s, p50 ${fmt(s.latencyMs.p50)} ms, p99 ${fmt(s.latencyMs.p99)} ms, ` +
        `server CPU ${fmt(s.serverCpuUsPerCall, 0)} µs/call; RSS ${fmt(s.rssAfterWarmupMb, 1)} MB after warm-up → ${fmt(s.rssEndMb, 1)} MB at the end ` +
        `(${fmt(s.rssGrowthPct, 1)} %, max ${fmt(s.rssMaxMb, 1)} MB)` +
        (s.rssMidMb !== undefined ? `; second half ${fmt(s.rssMidMb, 1)} → ${fmt(s.rssEndMb, 1)} MB (${fmt(s.rssSecondHalfGrowthPct, 1)} %)` : '') +
        (s.heapUsedAfterGcEndMb !== undefined
          ? `; V8 heap in use after a forced GC ${fmt(s.heapUsedAfterGcWarmupMb, 1)} MB after warm-up → ${fmt(s.heapUsedAfterGcEndMb, 1)} MB at the end (${fmt(s.heapAfterGcGrowthPct, 1)} %)`
          : '') +
        (s.heapTotalEndMb !== undefined
          ? `; V8 heap size at the end ${fmt(s.heapTotalEndMb, 1)} MB (young generation ${fmt(s.youngGenerationEndMb, 1)} MB, old space ${fmt(s.oldSpaceEndMb, 1)} MB)`
          : '') +
        '.',
    );
  }
  lines.push(...renderWaits(result));
  lines.push('', '| Target | Required | Measured | Met |', '|---|---|---|---|');
  for (const t of checkTargets(result)) lines.push(`| ${t.description} | ${t.target} | ${t.actual} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

export const BEGIN = '<!-- bench:begin (generated by `npm run bench`; do not edit by hand) -->';
export const END = '<!-- bench:end -->';

/** Replaces the generated section of the performance page, keeping everything around it. */
export function refreshDoc(file: string, markdown: string): void {
  const text = readFileSync(file, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${file} has no generated section (${BEGIN} … ${END})`);
  writeFileSync(file, `${text.slice(0, begin + BEGIN.length)}\n${markdown}\n${text.slice(end)}`);
}
