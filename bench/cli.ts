// `npm run bench`: runs the benchmark, writes bench/results/<date>-<commit>.json and refreshes the
// generated section of docs/performance.md. Durations are flags so a run fits the time available:
//   --quick  --warmup S  --duration S  --concurrency 1,16,64  --soak S  --soak-warmup S
//   --startup-runs N  --only direct,ispw-http-2026,soak  --no-write (print only)
//   --only waits,awaits: the set-wait and awaited-call scenarios of issue 19 (about 7 minutes in full)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import { renderMarkdown, checkTargets, refreshDoc } from './report.js';
import { ROOT } from './processes.js';
import { FULL, QUICK, runBench, type BenchOptions } from './run.js';

// The v2 client adds an abort listener per request to one long-lived signal, so Node warns after
// ~1500 calls (mcp-tooling.md §5); the warning is harmless and would flood the output.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'MaxListenersExceededWarning') process.stderr.write(`${w.name}: ${w.message}\n`);
});

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    warmup: { type: 'string' },
    duration: { type: 'string' },
    concurrency: { type: 'string' },
    soak: { type: 'string' },
    'soak-warmup': { type: 'string' },
    'startup-runs': { type: 'string' },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});

const base = values.quick ? QUICK : FULL;
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const options: BenchOptions = {
  quick: values.quick,
  warmupS: num(values.warmup, base.warmupS),
  durationS: num(values.duration, base.durationS),
  concurrency: values.concurrency ? values.concurrency.split(',').map(Number) : base.concurrency,
  soakS: num(values.soak, base.soakS),
  soakWarmupS: num(values['soak-warmup'], base.soakWarmupS),
  startupRuns: num(values['startup-runs'], base.startupRuns),
  ...(values.only ? { only: values.only.split(',') } : {}),
  // Issue 19 scenarios (bench/waits.ts, bench/awaits.ts): sizes from FULL or QUICK.
  ...(base.waits ? { waits: base.waits } : {}),
  ...(base.awaits ? { awaits: base.awaits } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
};

const result = await runBench(options);
for (const t of checkTargets(result))
  process.stderr.write(`${t.met === null ? '-' : t.met ? 'ok ' : 'MISS'} ${t.description}: ${t.actual} (target ${t.target})\n`);
if (values['no-write']) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.date.slice(0, 10)}-${result.commit}.json`);
  writeFileSync(file, `${JSON.stringify({ ...result, targets: checkTargets(result) }, null, 2)}\n`);
  refreshDoc(join(ROOT, 'docs', 'performance.md'), renderMarkdown(result, relative(ROOT, file)));
  process.stderr.write(`wrote ${relative(ROOT, file)} and refreshed docs/performance.md (${result.wallS} s)\n`);
}
