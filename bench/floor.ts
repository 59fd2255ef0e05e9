// Measures the floor (bench/floor-proxy.ts: node:http in, undici out, nothing else) beside
// ispw-mcp's HTTP 2026 path in one run: server CPU per call and calls/s at the given concurrency.
//   npx tsx bench/floor.ts [--concurrency 16] [--seconds 5]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { DEMO } from '../simulator/index.js';
import { httpCallers } from './callers.js';
import { closedLoop, type Call } from './load.js';
import { loadAverage } from './proc.js';
import { ROOT, TSX, startIspwHttp, startSimulatorProcess } from './processes.js';

const { values } = parseArgs({ options: { concurrency: { type: 'string', default: '16' }, seconds: { type: 'string', default: '5' } } });
const concurrency = Number(values.concurrency);
const durationMs = Number(values.seconds) * 1000;
const token = 'bench-floor-token';

const sim = await startSimulatorProcess(token);
const floorNodeArgs = (process.env.BENCH_FLOOR_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. --cpu-prof
const proxy = spawn(
  process.execPath,
  [...floorNodeArgs, ...TSX, new URL('./floor-proxy.ts', import.meta.url).pathname, sim.url, sim.srid, token, DEMO.assignmentId],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
);
const line = await new Promise<string>((resolve) => createInterface({ input: proxy.stdout }).once('line', resolve));
const proxyUrl = new URL((JSON.parse(line) as { url: string }).url);

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
let id = 0;
const post: Call = () =>
  new Promise<void>((resolve, reject) => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: ++id,
      method: 'tools/call',
      params: { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } },
    });
    const req = http.request(proxyUrl, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });

const before = loadAverage();
const floor = await closedLoop(
  Array.from({ length: concurrency }, () => post),
  { warmupMs: 2000, durationMs, serverPid: proxy.pid, simulatorPid: sim.pid },
);
const ispw = await startIspwHttp(sim, ['--http-sessions', 'stateless']);
const callers = await httpCallers(ispw.url, '2026', { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } }, concurrency);
const measured = await closedLoop(callers.calls, { warmupMs: 2000, durationMs, serverPid: ispw.pid, simulatorPid: sim.pid });
await callers.close();
const row = (name: string, r: typeof floor) => ({
  path: name,
  callsPerSecond: Math.round(r.throughput),
  serverCpuUsPerCall: r.serverCpuUsPerCall,
  p50: r.latencyMs.p50,
  errors: r.errors,
});
console.log(
  JSON.stringify(
    {
      concurrency,
      loadBefore: before,
      loadAfter: loadAverage(),
      rows: [row('floor: node:http + undici, nothing else', floor), row('ispw-mcp, HTTP 2026 era', measured)],
    },
    null,
    2,
  ),
);
agent.destroy();
proxy.kill('SIGTERM');
await ispw.stop();
await sim.stop();
process.exit(0);
