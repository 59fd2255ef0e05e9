// Deeply nested JSON bodies against a running server (issue 17, defect 3): 120 bodies of 2 MB
// `[[[…]]]` POSTed to /mcp, 8 at a time, while /livez is asked every 50 ms. Records the statuses, the
// server's RSS and V8 heap before and after, its peak RSS, and /livez latency; plus the cost of the
// shape check itself on a typical call body and on a 4 MiB body. `BENCH_ISPW_MAIN` measures another
// build (e.g. one made from an older commit) for a before/after comparison.
//   npm run build && npx tsx bench/json-bodies.ts [--bodies 120] [--concurrency 8] [--no-write]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import { checkJsonShape } from '../src/transports/json-bounds.js';
import { loadAverage, peakRssMb, rssMb } from './proc.js';
import { ISPW_MAIN, ROOT, startIspwHttp, startSimulatorProcess } from './processes.js';

const { values } = parseArgs({
  options: { bodies: { type: 'string', default: '120' }, concurrency: { type: 'string', default: '8' }, 'no-write': { type: 'boolean', default: false } },
});
const BODIES = Number(values.bodies);
const CONCURRENCY = Number(values.concurrency);
const NESTED = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
const MODERN = '2026-07-28';
const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  'mcp-protocol-version': MODERN,
  'mcp-method': 'tools/call',
  'mcp-name': 'ispw_get_assignment',
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

async function heapUsedMb(base: string): Promise<number | undefined> {
  const text = await (await fetch(new URL('/metrics', base))).text();
  const match = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
  return match ? Math.round((Number(match[1]) / 1024 / 1024) * 10) / 10 : undefined;
}

function shapeCheckCost() {
  const typical = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: {
      name: 'ispw_promote',
      arguments: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', task_ids: ['7E3A5D04D0C2', '7E3A5D04D3A3'], wait_seconds: 60 },
      _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' } },
    },
  });
  const big = JSON.stringify({ text: 'x'.repeat(4 * 1024 * 1024 - 20) });
  const time = (text: string, runs: number) => {
    for (let i = 0; i < Math.min(runs, 100); i++) checkJsonShape(text);
    const start = performance.now();
    for (let i = 0; i < runs; i++) checkJsonShape(text);
    return (performance.now() - start) / runs;
  };
  return {
    typicalBytes: typical.length,
    typicalUs: Math.round(time(typical, 100_000) * 1000 * 100) / 100,
    fourMiBMs: Math.round(time(big, 20) * 100) / 100,
    nested2MbMs: Math.round(time(NESTED, 20) * 1000) / 1000,
  };
}

const sim = await startSimulatorProcess('bench-json-bodies-token');
const server = await startIspwHttp(sim, []);
const base = server.url;
try {
  const pid = server.proc.pid!;
  await fetch(new URL('/livez', base));
  const before = { rssMb: rssMb(pid), heapUsedMb: await heapUsedMb(base) };
  const livez: number[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const start = performance.now();
      await fetch(new URL('/livez', base)).then((r) => r.arrayBuffer());
      livez.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < BODIES) {
        next += 1;
        const status = await fetch(base, { method: 'POST', headers: HEADERS, body: NESTED }).then(
          async (r) => (await r.arrayBuffer(), r.status),
          () => 0,
        );
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  probing = false;
  await prober;
  const after = { rssMb: rssMb(pid), heapUsedMb: await heapUsedMb(base), peakRssMb: peakRssMb(pid) };
  livez.sort((a, b) => a - b);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const result = {
    date: new Date().toISOString(),
    commit,
    build: relative(ROOT, ISPW_MAIN),
    node: process.version,
    loadAverage: loadAverage(),
    bodies: BODIES,
    concurrency: CONCURRENCY,
    bodyBytes: NESTED.length,
    seconds: Math.round(seconds * 100) / 100,
    statuses: Object.fromEntries(statuses),
    before,
    after,
    livezMs: { samples: livez.length, p50: percentile(livez, 0.5), p99: percentile(livez, 0.99), max: livez.at(-1) },
    shapeCheck: shapeCheckCost(),
  };
  process.stderr.write(`${JSON.stringify(result)}\n`);
  if (!values['no-write']) {
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `json-bodies-${result.date.slice(0, 10)}-${commit}${process.env.BENCH_ISPW_MAIN ? '-other-build' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`wrote ${relative(ROOT, file)}\n`);
  }
} finally {
  await server.stop();
  await sim.stop();
}
