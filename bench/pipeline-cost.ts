// Micro-benchmark of one ispw_get_assignment call's own pipeline, layer by layer, in one process
// against the CES simulator in its own process (loopback, zero latency): CPU per call from
// process.cpuUsage over N calls after a warm-up, so other load on the machine matters less than wall
// time. Layers, each adding to the one before (the stacks are wired like `serve --transport http`):
//   raw         one undici GET with the headers our CES client sends, body read and JSON-parsed
//   ces         the CES client through the directory (retry, breaker, reply schema, paths, signals)
//   tool        callViewTool (tool-dispatch.ts): zod input → call.ts wrapper (policy guard, limits,
//               bulkhead, correlation id) → tool run/render → zod output, as every tools/call runs it
//   fast        the HTTP fast path minus sockets: planFastCall (SDK classifier) + runFastCall + JSON.stringify
// `ces`, `tool` and `fast` run with metrics off and on (prom-client observer + call histogram).
//   npm run build && npx tsx bench/pipeline-cost.ts [--calls 4000] [--warmup 1500] [--concurrency 1] [--rounds 3] [--only raw,ces,...] [--src] [--compare <other build dir>]
import { parseArgs } from 'node:util';

import { Pool } from 'undici';

import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';

import { DEMO } from '../simulator/index.js';
import { loadAverage } from './proc.js';
import { startSimulatorProcess } from './processes.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '1500' },
    concurrency: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    src: { type: 'boolean', default: false },
    compare: { type: 'string' },
  },
});
const CALLS = Number(values.calls);
const WARMUP = Number(values.warmup);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const only = values.only?.split(',');

const token = 'bench-pipeline-token';
const sim = await startSimulatorProcess(token);
const ARGS = { assignment_id: DEMO.assignmentId };
let requestId = 0;

/**
 * The layers of one build. The code under test comes from dist/ (what `serve` runs) unless --src
 * is given: tsx's transform wraps every function and closure in a `__name` call, which inflates
 * exactly the per-call closure costs measured here. Types come from src either way.
 */
async function layersOf(root: URL, label: string) {
  const load = <T>(path: string): Promise<T> => import(new URL(`src/${path}.js`, root).href) as Promise<T>;
  const { ops } = await load<typeof import('../src/ces/operations.js')>('ces/operations');
  const { buildCesDirectory } = await load<typeof import('../src/app/ces-directory.js')>('app/ces-directory');
  const { loadConfig } = await load<typeof import('../src/config/load.js')>('config/load');
  const { Drain } = await load<typeof import('../src/mcp/drain.js')>('mcp/drain');
  const { callViewTool } = await load<typeof import('../src/mcp/kit/tool-dispatch.js')>('mcp/kit/tool-dispatch');
  const { createServerFactory } = await load<typeof import('../src/mcp/server.js')>('mcp/server');
  const { setupAccess } = await load<typeof import('../src/app/access.js')>('app/access');
  const { callGuard } = await load<typeof import('../src/app/call-guard.js')>('app/call-guard');
  const { PRODUCT } = await load<typeof import('../src/shared/version.js')>('shared/version');
  const { cesObserver } = await load<typeof import('../src/telemetry/ces-observer.js')>('telemetry/ces-observer');
  const { silentLogger } = await load<typeof import('../src/telemetry/logger.js')>('telemetry/logger');
  const { Metrics } = await load<typeof import('../src/telemetry/metrics.js')>('telemetry/metrics');
  const { ALL_TOOLS, TOOLSETS } = await load<typeof import('../src/tools/index.js')>('tools/index');
  const { planFastCall, runFastCall } = await load<typeof import('../src/transports/fast-call.js')>('transports/fast-call');

  const logger = silentLogger();
  const config = loadConfig({
    env: { ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srid, ISPW_MCP_CES_TOKEN: token, ISPW_MCP_RATE_LIMIT_PER_MINUTE: '0' },
    readFile: () => {
      throw new Error('no files in this benchmark');
    },
  });

  /** The serve wiring (src/commands/serve.ts) that matters for a read tool call, with or without metrics. */
  function stack(withMetrics: boolean) {
    const metrics = withMetrics ? new Metrics() : undefined;
    const directory = buildCesDirectory(config, { logger, cesObserver: cesObserver(metrics, undefined) });
    const setup = setupAccess(config, { logger, tools: ALL_TOOLS, toolsets: TOOLSETS, metrics });
    const factory = createServerFactory({
      tools: setup.tools,
      guard: callGuard(setup.access, { confirmable: setup.confirmable }),
      directory,
      logger,
      wait: config.wait,
      shutdownSignal: new AbortController().signal,
      drain: new Drain(),
      metrics,
      transport: 'http',
    });
    const view = factory.toolDispatch.viewFor(undefined);
    closers.push(() => (setup.close(), directory.close()));
    return { directory, view, serverInfo: factory.toolDispatch.serverInfo };
  }

  // What the fast path hands call.ts (fast-call.ts serverContext): a request id, a signal, no auth.
  const context = (signal: AbortSignal): ServerContext =>
    ({
      sessionId: undefined,
      mcpReq: { id: ++requestId, method: 'tools/call', _meta: undefined, signal },
      http: { authInfo: undefined },
    }) as unknown as ServerContext;

  const pool = new Pool(sim.url, { connections: 16, keepAliveTimeout: 30_000 });
  closers.push(() => pool.close());
  const rawPath = `/ispw/${encodeURIComponent(sim.srid)}/assignments/${encodeURIComponent(DEMO.assignmentId)}`;
  const rawHeaders = { authorization: token, 'content-type': 'application/json', accept: 'application/json', 'user-agent': `ispw-mcp/${PRODUCT.version}` };

  const off = stack(false);
  const on = stack(true);
  const modern = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'ispw_get_assignment' };
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const fastBody = () =>
    JSON.parse(
      JSON.stringify({ jsonrpc: '2.0', id: ++requestId, method: 'tools/call', params: { name: 'ispw_get_assignment', arguments: ARGS, _meta: envelope } }),
    ) as unknown;
  const cesCall = (s: typeof on) => () =>
    s.directory
      .resolve(undefined)
      .call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } }, { signal: new AbortController().signal, requestId: String(++requestId) });

  const layers: Record<string, () => Promise<unknown>> = {
    raw: async () => {
      const reply = await pool.request({ method: 'GET', path: rawPath, headers: { ...rawHeaders, 'x-request-id': String(++requestId) } });
      return reply.body.json();
    },
    'ces (metrics off)': cesCall(off),
    'ces (metrics on)': cesCall(on),
    'tool (metrics off)': () =>
      checked(callViewTool(off.view, 'ispw_get_assignment', ARGS, context(new AbortController().signal), (r) => r) as Promise<CallToolResult>),
    'tool (metrics on)': () =>
      checked(callViewTool(on.view, 'ispw_get_assignment', ARGS, context(new AbortController().signal), (r) => r) as Promise<CallToolResult>),
    'fast (metrics on)': async () => {
      const plan = planFastCall(fastBody(), modern, false);
      if (!plan) throw new Error('not a fast call');
      return JSON.stringify(await runFastCall(plan, on.view, on.serverInfo, undefined, new AbortController().signal));
    },
  };
  return Object.entries(layers)
    .filter(([name]) => !only || only.some((o) => name.startsWith(o)))
    .map(([name, fn]) => [`${name}${label}`, fn] as const);
}

const closers: (() => unknown)[] = [];
const here = new URL('../', import.meta.url);
// --compare <dir>: a second build (e.g. a copy of dist/ from before a change), measured interleaved.
const current = await layersOf(values.src ? here : new URL('dist/', here), '');
const compared = values.compare ? await layersOf(new URL(values.compare.replace(/\/?$/, '/'), here), ' [compare]') : [];
// Each layer right after its twin from the compared build, so both see the same machine load.
const selected = current.flatMap((layer, i) => (compared[i] ? [compared[i], layer] : [layer]));

async function checked(pending: Promise<CallToolResult>): Promise<CallToolResult> {
  const result = await pending;
  if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content)}`);
  return result;
}

/** Runs `count` calls with CONCURRENCY workers; returns CPU µs per call. */
async function measure(fn: () => Promise<unknown>, count: number): Promise<number> {
  let left = count;
  const worker = async () => {
    while (left-- > 0) await fn();
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const loadBefore = loadAverage();
const results: Record<string, number[]> = {};
for (const [, fn] of selected) await measure(fn, WARMUP);
// Rounds interleave the layers so a change in machine load hits all of them alike.
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of selected) (results[name] ??= []).push(await measure(fn, CALLS));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
console.log(
  `CPU µs per call, median of ${ROUNDS} rounds × ${CALLS} calls, concurrency ${CONCURRENCY}; load ${loadBefore.join(' / ')} → ${loadAverage().join(' / ')}`,
);
for (const [name, xs] of Object.entries(results)) {
  console.log(`${name.padEnd(30)} ${median(xs).toFixed(1).padStart(7)} µs   (rounds: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
}
for (const close of closers) await close();
await sim.stop();
process.exit(0);
