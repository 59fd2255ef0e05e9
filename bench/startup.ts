// Start-up of ispw-mcp over stdio: spawn → first tools/list answer (median of N runs), the server's
// CPU time until that answer, and idle RSS (1.5 s after it, split into anonymous and file-backed
// pages), as the harness measures them, without the load phases. With --modules it also prints how
// many modules of each package the server process loaded (from a --cpu-prof-free hook:
// `--import bench/startup-modules.mjs` records every resolved URL), to see what start-up pulls in.
// With --base <main.js> it alternates runs of that build and the current one (A/B on a busy machine).
//   npx tsx bench/startup.ts [--runs 5] [--modules] [--env NAME=VALUE] [--base bench/tmp/base/dist/src/main.js]
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { connectStdio } from './callers.js';
import { cpuSeconds, loadAverage, rssMb } from './proc.js';
import { ISPW_MAIN, ROOT, serverEnv, startSimulatorProcess } from './processes.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    modules: { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
    base: { type: 'string' },
  },
});
// --env NAME=VALUE (repeatable) is passed to the server, e.g. --env NODE_DISABLE_COMPILE_CACHE=1.
const extraEnv = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

interface Sample {
  startupMs: number;
  cpuMs: number | undefined;
}
interface Build {
  label: string;
  main: string;
  samples: Sample[];
  idle?: { rssMb: number | undefined; anonMb: number | undefined; fileMb: number | undefined };
}

const builds: Build[] = [{ label: 'current', main: ISPW_MAIN, samples: [] }];
if (values.base) builds.unshift({ label: 'base', main: values.base, samples: [] });

function statusMb(pid: number, key: string): number | undefined {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : undefined;
}

const sim = await startSimulatorProcess('bench-startup-token');
const list = `${ROOT}/bench/tmp/startup-modules.txt`;
rmSync(list, { force: true });
const loadBefore = loadAverage();
const runs = Number(values.runs);
for (let i = 0; i < runs; i++) {
  for (const build of builds) {
    // The module hook slows start-up: its run (the first of the current build) is not timed.
    const hook = values.modules && i === 0 && build.label === 'current' ? ['--import', `${ROOT}/bench/startup-modules.mjs`] : [];
    const conn = await connectStdio(process.execPath, [...hook, build.main, 'serve'], {
      ...serverEnv(sim),
      ...extraEnv,
      ...(hook.length ? { BENCH_MODULE_LIST: list } : {}),
    });
    const cpu = cpuSeconds(conn.pid);
    if (!hook.length) build.samples.push({ startupMs: conn.startupMs, cpuMs: cpu === undefined ? undefined : Math.round(cpu * 1000) });
    if (i === runs - 1) {
      await sleep(1500);
      build.idle = { rssMb: rssMb(conn.pid), anonMb: statusMb(conn.pid, 'RssAnon'), fileMb: statusMb(conn.pid, 'RssFile') };
    }
    await conn.close();
  }
}
await sim.stop();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`load average ${loadBefore.join(' / ')} before, ${loadAverage().join(' / ')} after`);
for (const build of builds) {
  const wall = build.samples.map((s) => s.startupMs);
  const cpu = build.samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  const idle = build.idle;
  console.log(
    `${build.label}: start-up to first tools/list: median ${median(wall)} ms (runs ${wall.join(', ')}); ` +
      `server CPU to the answer: median ${median(cpu)} ms (runs ${cpu.join(', ')}); ` +
      `idle RSS ${idle?.rssMb} MB (anonymous ${idle?.anonMb}, file-backed ${idle?.fileMb})`,
  );
}
if (values.modules) {
  const urls = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const byPackage = new Map<string, number>();
  for (const url of urls) {
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.startsWith('node:') ? 'node:*' : url.replace(`file://${ROOT}/`, '').split('/').slice(0, 3).join('/'));
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
  }
  console.log(`${urls.length} modules loaded before the first answer:`);
  for (const [pkg, n] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${pkg}`);
}
