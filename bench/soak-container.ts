// The soak against the container image under a memory limit: Node sizes V8's heap from the cgroup
// limit (a 512 MiB limit gives a 2 MB young generation, an unlimited 24 GB host 128 MB), so RSS and
// CPU per call under load depend on it. Runs the image with podman (host network, the simulator on
// loopback), 64 callers (half per era) for --seconds, and reads the server's RSS and CPU from /proc.
//   npx tsx bench/soak-container.ts [--image localhost/ispw-mcp:dev] [--memory 512m] [--node-options=--max-semi-space-size=16] [--seconds 60] [--warmup 20]
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

import { DEMO } from '../simulator/index.js';
import { httpCallers } from './callers.js';
import { closedLoop } from './load.js';
import { loadAverage, rssMb } from './proc.js';
import { freePort, startSimulatorProcess } from './processes.js';

process.removeAllListeners('warning'); // the v2 client's MaxListenersExceededWarning (see cli.ts)
const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    image: { type: 'string', default: 'localhost/ispw-mcp:dev' },
    memory: { type: 'string', default: '512m' },
    'node-options': { type: 'string', default: '' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '20' },
  },
});
// As test/container/podman.ts: runc, and explicit ulimits (the defaults cannot be raised in a nested sandbox).
const PODMAN = ['--runtime', process.env.PODMAN_RUNTIME ?? 'runc'];
const ULIMITS = (process.env.PODMAN_ULIMITS ?? '--ulimit nofile=4096:4096 --ulimit nproc=4096:4096').split(' ');

const loadBefore = loadAverage();
const sim = await startSimulatorProcess('bench-container-token');
const port = await freePort();
const name = `ispw-mcp-soak-${process.pid}`;
const env = {
  ISPW_MCP_CES_URL: sim.url,
  ISPW_MCP_SRID: sim.srid,
  ISPW_MCP_CES_TOKEN: sim.token,
  ISPW_MCP_RATE_LIMIT_PER_MINUTE: '0',
  ISPW_MCP_HOST: '127.0.0.1',
  ISPW_MCP_PORT: String(port),
  ...(values['node-options'] ? { NODE_OPTIONS: values['node-options'] } : {}),
};
const memory = values.memory === 'none' ? [] : ['--memory', values.memory];
await run('podman', [
  ...PODMAN,
  'run',
  '--detach',
  '--rm',
  '--name',
  name,
  '--network',
  'host',
  ...ULIMITS,
  ...memory,
  ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
  values.image,
  'serve',
  '--transport',
  'http',
  '--http-sessions',
  'stateless',
]);
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(200);
  }
  const pid = Number((await run('podman', [...PODMAN, 'inspect', '-f', '{{.State.Pid}}', name])).stdout.trim());
  const tool = { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } };
  const sets = [await httpCallers(`${base}/mcp`, '2025', tool, 32), await httpCallers(`${base}/mcp`, '2026', tool, 32)];
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(pid) ?? NaN), 1000);
  const warmupMs = Number(values.warmup) * 1000;
  const cell = await closedLoop([...sets[0]!.calls, ...sets[1]!.calls], { warmupMs, durationMs: Number(values.seconds) * 1000 - warmupMs, serverPid: pid });
  clearInterval(sampler);
  await Promise.all(sets.map((s) => s.close()));
  const afterWarmup = samples[Math.round(warmupMs / 1000) - 1];
  const end = samples.at(-1);
  console.log(
    JSON.stringify({
      image: values.image,
      memory: values.memory,
      nodeOptions: values['node-options'] || null,
      calls: cell.calls,
      errors: cell.errors,
      firstError: cell.firstError,
      throughput: cell.throughput,
      serverCpuUsPerCall: cell.serverCpuUsPerCall,
      p50: cell.latencyMs.p50,
      p99: cell.latencyMs.p99,
      rssAfterWarmupMb: afterWarmup,
      rssEndMb: end,
      rssMaxMb: Math.max(...samples),
      loadBefore,
      loadAfter: loadAverage(),
    }),
  );
} finally {
  await run('podman', [...PODMAN, 'stop', '--time', '5', name]).catch(() => {});
  await sim.stop();
}
