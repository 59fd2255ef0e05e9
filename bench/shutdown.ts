// Shutdown under calls that outlast the grace period (docs/observability.md, "Shutdown"): for each
// grace period and 2025-era mode asked for, 32 callers (both eras; half waiting on a set, half stuck
// in CES) are running when SIGTERM arrives. Records what every caller got and when, the audit
// outcomes written, and the time to exit, in bench/results/shutdown-<date>-<commit>.json.
//   npm run build && npx tsx bench/shutdown.ts [--grace 25,2] [--callers 32] [--sessions stateful,stateless] [--no-write]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import { ROOT } from './processes.js';
import { runShutdownLoad, summarise } from '../test/support/shutdown-load.js';

const { values } = parseArgs({
  options: {
    grace: { type: 'string', default: '25,2' },
    callers: { type: 'string', default: '32' },
    sessions: { type: 'string', default: 'stateful,stateless' },
    'no-write': { type: 'boolean', default: false },
  },
});

const runs = [];
for (const sessions of values.sessions.split(',') as ('stateful' | 'stateless')[]) {
  for (const grace of values.grace.split(',').map(Number)) {
    const dir = mkdtempSync(join(tmpdir(), 'issue-17a-http-shutdown-'));
    const loadBefore = loadavg()[0]!;
    const f = await runShutdownLoad({ graceSeconds: grace, callers: Number(values.callers), dir, sessions });
    rmSync(dir, { recursive: true, force: true });
    const answered = f.outcomes.filter((o) => o.result !== undefined);
    const run = {
      sessions,
      graceSeconds: grace,
      callers: f.callers,
      answered: answered.length,
      answeredWithShutdownError: answered.filter((o) => o.result!.isError && JSON.stringify(o.result!.content).includes('shutting down')).length,
      answeredNamingTheirSet: f.outcomes.filter((o) => o.kind === 'set-wait' && o.setId !== undefined).length,
      setWaits: f.outcomes.filter((o) => o.kind === 'set-wait').length,
      lastAnswerAfterS: Math.max(0, ...answered.map((o) => o.answeredAfterMs)) / 1000,
      writeAttempts: f.attempts,
      writeOutcomesAudited: f.outcomesAudited,
      exitCode: f.exitCode,
      exitAfterS: f.exitAfterMs / 1000,
      overGraceS: f.exitAfterMs / 1000 - grace,
      loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
    };
    runs.push(run);
    process.stderr.write(`${sessions}: ${summarise(f)} (load ${run.loadAverage1m.before.toFixed(2)} → ${run.loadAverage1m.after.toFixed(2)})\n`);
  }
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const result = { date: new Date().toISOString(), commit, node: process.version, runs };
if (values['no-write']) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `shutdown-${result.date.slice(0, 10)}-${commit}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`wrote ${relative(ROOT, file)}\n`);
}
