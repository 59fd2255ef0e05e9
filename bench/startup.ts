// Start-up of ispw-mcp over stdio: spawn → first tools/list answer (median of N runs) and idle
// RSS, as the harness measures them, without the load phases. With --modules it also prints how
// many modules of each package the server process loaded (from a --cpu-prof-free hook:
// `--import bench/startup-modules.mjs` records every resolved URL), to see what start-up pulls in.
//   npx tsx bench/startup.ts [--runs 5] [--modules] [--env NAME=VALUE]
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { connectStdio } from './callers.js';
import { ISPW_MAIN, ROOT, serverEnv, startSimulatorProcess } from './processes.js';
import { rssMb } from './proc.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, modules: { type: 'boolean', default: false }, env: { type: 'string', multiple: true, default: [] } } });
// --env NAME=VALUE (repeatable) is passed to the server, e.g. --env NODE_DISABLE_COMPILE_CACHE=1.
const extraEnv = Object.fromEntries(values.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const sim = await startSimulatorProcess('bench-startup-token');
const runs: number[] = [];
let idle: number | undefined;
const list = `${ROOT}/bench/tmp/startup-modules.txt`;
rmSync(list, { force: true });
for (let i = 0; i < Number(values.runs); i++) {
  const hook = values.modules && i === 0 ? ['--import', `${ROOT}/bench/startup-modules.mjs`] : [];
  const conn = await connectStdio(process.execPath, [...hook, ISPW_MAIN, 'serve'], { ...serverEnv(sim), ...extraEnv, ...(hook.length ? { BENCH_MODULE_LIST: list } : {}) });
  if (!hook.length) runs.push(conn.startupMs);
  if (i === Number(values.runs) - 1) {
    await sleep(1500);
    idle = rssMb(conn.pid);
  }
  await conn.close();
}
await sim.stop();
const sorted = [...runs].sort((a, b) => a - b);
console.log(`start-up to first tools/list: median ${sorted[Math.floor(sorted.length / 2)]} ms (runs ${runs.join(', ')}); idle RSS ${idle} MB`);
if (values.modules) {
  const urls = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const byPackage = new Map<string, number>();
  for (const url of urls) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.startsWith('node:') ? 'node:*' : url.replace(`file://${ROOT}/`, '').split('/').slice(0, 3).join('/'));
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
  }
  console.log(`${urls.length} modules loaded before the first answer:`);
  for (const [pkg, n] of [...byPackage].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(5)}  ${pkg}`);
}
