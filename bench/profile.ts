// Profiles ispw-mcp under load: runs the server with `--cpu-prof`, drives one path of the benchmark
// against it, and prints the functions with the most self time (the .cpuprofile file, which
// Chrome DevTools or speedscope show as a flame graph, is kept under bench/tmp/profiles/).
//   npx tsx bench/profile.ts [--path ispw-http-2026|ispw-http-2025|ispw-stdio|reference-stdio] [--seconds 8] [--concurrency 16]
// (reference-stdio profiles the comparator, bench/reference-server.ts, the same way.)
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { DEMO } from '../simulator/index.js';
import { connectStdio, httpCallers, type Callers } from './callers.js';
import { closedLoop } from './load.js';
import { ISPW_MAIN, REFERENCE_SERVER, ROOT, TSX, serverEnv, startIspwHttp, startSimulatorProcess } from './processes.js';

const { values } = parseArgs({
  options: { path: { type: 'string', default: 'ispw-http-2026' }, seconds: { type: 'string', default: '8' }, concurrency: { type: 'string', default: '16' } },
});
const dir = join(ROOT, 'bench', 'tmp', 'profiles', `${values.path}-${Date.now()}`);
mkdirSync(dir, { recursive: true });
const prof = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
const tool = { name: values.path === 'reference-stdio' ? 'get_assignment' : 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } };
const concurrency = Number(values.concurrency);

const sim = await startSimulatorProcess('bench-profile-token');
let callers: Callers;
let pid: number;
let stop: () => Promise<void>;
if (values.path === 'ispw-stdio' || values.path === 'reference-stdio') {
  const server = values.path === 'ispw-stdio' ? [ISPW_MAIN, 'serve'] : [...TSX, REFERENCE_SERVER, 'stdio'];
  const conn = await connectStdio(process.execPath, [...prof, ...server], serverEnv(sim));
  callers = conn.callers(tool, concurrency);
  pid = conn.pid;
  stop = () => conn.close();
} else {
  const server = await startIspwHttp(sim, ['--http-sessions', 'stateless'], prof);
  callers = await httpCallers(server.url, values.path === 'ispw-http-2025' ? '2025' : '2026', tool, concurrency);
  pid = server.pid;
  stop = () => server.stop();
}
const cell = await closedLoop(callers.calls, { warmupMs: 1000, durationMs: Number(values.seconds) * 1000, serverPid: pid });
await callers.close();
await stop();
await sim.stop();
console.log(`${cell.throughput} calls/s, server CPU ${cell.serverCpuUsPerCall} µs/call, errors ${cell.errors}`);

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written to ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}`, '')}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (n.hitCount ?? 0));
  total += n.hitCount ?? 0;
}
const byPackage = new Map<string, number>();
for (const [key, hits] of self) {
  const pkg = /^(\S+) (@[^/]+\/[^/]+|[^/@][^/]*)\//.exec(key)?.[2] ?? key.split(' ')[0]!;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
}
console.log(`\nprofile: ${join(dir, file)}\n\nself time by function:`);
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((hits / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
console.log('\nself time by package or top-level frame:');
for (const [key, hits] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${((hits / total) * 100).toFixed(1).padStart(5)} %  ${key}`);

// Inclusive ("total") time: a function's own samples plus everything it called, counting recursion once.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const keyOf = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}`, '')}:${n.callFrame.lineNumber + 1}`;
const inclusive = new Map<string, number>();
const walk = (n: Node, onStack: Set<string>): number => {
  let sum = n.hitCount ?? 0;
  const key = keyOf(n);
  const fresh = !onStack.has(key);
  if (fresh) onStack.add(key);
  for (const child of n.children ?? []) sum += walk(byId.get(child)!, onStack);
  if (fresh) {
    onStack.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
  }
  return sum;
};
walk(profile.nodes[0]!, new Set());
console.log('\ntotal (inclusive) time by function:');
for (const [key, hits] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${((hits / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
