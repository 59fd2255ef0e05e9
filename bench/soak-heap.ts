// Memory investigation of the soak: one stateless HTTP server (built dist/) under 64 callers (half per
// era), started with --expose-gc and bench/heap-probe.mjs, which logs process.memoryUsage() and the V8
// heap spaces every second. Heap snapshots (after a forced GC) are taken at the given seconds and
// once more after the load stops; `npx tsx bench/heap-diff.ts DIR` compares them by constructor.
// `--alloc 30,40` records V8's sampling allocation profile (collected objects included) between those
// seconds and prints the allocated bytes by function.
//   npx tsx bench/soak-heap.ts [--seconds 180] [--warmup 0] [--snapshots 20,90,180] [--gc-at 60,120] [--alloc 30,40] [--node-args=--max-semi-space-size=16] [--label x]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { DEMO } from '../simulator/index.js';
import { httpCallers } from './callers.js';
import { heapProbe } from './heap-probe-client.js';
import { closedLoop } from './load.js';
import { loadAverage } from './proc.js';
import { ROOT, startIspwHttp, startSimulatorProcess } from './processes.js';

process.removeAllListeners('warning'); // the v2 client's MaxListenersExceededWarning (see cli.ts)

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    warmup: { type: 'string', default: '0' },
    snapshots: { type: 'string', default: '' },
    'gc-at': { type: 'string', default: '' },
    alloc: { type: 'string', default: '' },
    'node-args': { type: 'string', default: '' },
    callers: { type: 'string', default: '64' },
    label: { type: 'string', default: 'run' },
  },
});
const seconds = Number(values.seconds);
const list = (v: string) => v.split(',').filter(Boolean).map(Number);
const dir = join(ROOT, 'bench', 'tmp', 'heap', `${values.label}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const probe = heapProbe(1000, dir);
const nodeArgs = [...probe.nodeArgs, ...values['node-args'].split(' ').filter(Boolean)];

const loadBefore = loadAverage();
const sim = await startSimulatorProcess('bench-heap-token');
const server = await startIspwHttp(sim, ['--http-sessions', 'stateless'], nodeArgs, probe.env);
const half = Number(values.callers) / 2;
const sets = [
  await httpCallers(server.url, '2025', { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } }, half),
  await httpCallers(server.url, '2026', { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } }, half),
];
process.stderr.write(`server pid ${server.pid}, probe dir ${dir}, node args ${nodeArgs.slice(3).join(' ') || '(none)'}; load ${loadBefore.join(' ')}\n`);

const t0 = performance.now();
const actions = [
  ...list(values.snapshots).map((s) => ({ at: s, command: `snapshot s${String(s).padStart(4, '0')}` })),
  ...list(values['gc-at']).map((s) => ({ at: s, command: `gc g${s}` })),
  ...list(values.alloc).map((s, i) => ({ at: s, command: i === 0 ? 'alloc-start' : 'alloc-stop alloc' })),
].sort((a, b) => a.at - b.at);
const scheduled = (async () => {
  for (const action of actions) {
    if (action.at >= seconds) continue;
    await sleep(Math.max(0, action.at * 1000 - (performance.now() - t0)));
    process.stderr.write(`  ${action.command} at ${Math.round((performance.now() - t0) / 1000)} s\n`);
    await probe.command(server.pid, action.command);
  }
})();
// --warmup S: calls/s, latency and CPU per call count only after S seconds (the memory lines cover all).
const warmupMs = Number(values.warmup) * 1000;
const cell = await closedLoop([...sets[0]!.calls, ...sets[1]!.calls], { warmupMs, durationMs: seconds * 1000 - warmupMs, serverPid: server.pid });
await scheduled;
const loadAfterLoad = loadAverage();
await Promise.all(sets.map((s) => s.close()));
await sleep(3000);
await probe.command(server.pid, list(values.snapshots).length > 0 ? 'snapshot zafter' : 'gc after');
await sleep(1500);
await server.stop();
await sim.stop();

const summary = {
  seconds,
  warmupS: warmupMs / 1000,
  nodeArgs: nodeArgs.slice(3),
  calls: cell.calls,
  errors: cell.errors,
  firstError: cell.firstError,
  throughput: cell.throughput,
  serverCpuUsPerCall: cell.serverCpuUsPerCall,
  latencyMs: cell.latencyMs,
  loadBefore,
  loadAfter: loadAfterLoad,
};
writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary)}\n`);
const lastUnderLoad = probe
  .lines()
  .filter((l) => !l.mark && l.t <= seconds * 1000)
  .at(-1);
if (lastUnderLoad?.gc)
  process.stdout.write(
    `GC under load: ${lastUnderLoad.gc.minor} scavenges (${lastUnderLoad.gc.minorMs} ms), ${lastUnderLoad.gc.major} mark-compacts (${lastUnderLoad.gc.majorMs} ms) in ${(lastUnderLoad.t / 1000).toFixed(0)} s\n`,
  );

// Every 10th line and the marked ones: RSS, heap and the young generation over time.
const lines = probe.lines();
const mb = (kb: number | undefined) => (kb === undefined ? '-' : (kb / 1024).toFixed(1));
process.stdout.write('t s     rss rssAnon  heapTot heapUsed external arrBuf  new(sz) old(sz/used) code   large malloc  mark\n');
lines.forEach((l, i) => {
  if (i % 10 !== 9 && !l.mark) return;
  const s = l.spaces;
  process.stdout.write(
    `${(l.t / 1000).toFixed(0).padStart(4)} ${mb(l.rssKb).padStart(7)} ${mb(l.rssAnonKb).padStart(7)} ${mb(l.heapTotalKb).padStart(8)} ${mb(l.heapUsedKb).padStart(8)} ${mb(l.externalKb).padStart(8)} ${mb(l.arrayBuffersKb).padStart(6)} ${mb(s.new_space?.sizeKb).padStart(8)} ${`${mb(s.old_space?.sizeKb)}/${mb(s.old_space?.usedKb)}`.padStart(12)} ${mb(s.code_space?.sizeKb).padStart(5)} ${mb(s.large_object_space?.sizeKb).padStart(6)} ${mb(l.mallocedKb).padStart(6)}  ${l.mark ?? ''}\n`,
  );
});

// The allocation profile: bytes allocated by function (self) and by package, from the sampled tree.
interface AllocNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocNode[];
}
const allocFile = join(dir, 'alloc.heapprofile');
if (existsSync(allocFile)) {
  const profile = JSON.parse(readFileSync(allocFile, 'utf8')) as { head: AllocNode };
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  const where = (f: AllocNode['callFrame']) => f.url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}`, '');
  const walk = (n: AllocNode) => {
    const key = `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + n.selfSize);
    const pkg = /^(@[^/]+\/[^/]+|[^/@][^/]*)\//.exec(where(n.callFrame))?.[1] ?? (where(n.callFrame) || '(native)');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n.selfSize);
    total += n.selfSize;
    n.children.forEach(walk);
  };
  walk(profile.head);
  const seconds = list(values.alloc)[1]! - list(values.alloc)[0]!;
  process.stdout.write(
    `\nallocation profile over ${seconds} s: ${(total / 1048576).toFixed(0)} MB sampled (${(total / 1048576 / seconds).toFixed(1)} MB/s; ${(total / cell.throughput / seconds / 1024).toFixed(1)} kB per call at the run's mean rate)\nby function (self):\n`,
  );
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) process.stdout.write(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}\n`);
  process.stdout.write('by package:\n');
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20)) process.stdout.write(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}\n`);
}
