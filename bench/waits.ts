// Scenario `waits` (issue 19 part A): N concurrent callers each wait on their own set with
// `ispw_generate … wait_seconds`, against one stateless HTTP ispw-mcp, half in the 2025 era and half
// in the 2026 era, raw JSON-RPC over loopback (bench/raw-mcp.ts). Sets run for a random duration
// (bench/waits-simulator.ts knows each set's real end). Beside them, a Jenkins baseline: a tiny
// poller that does what BMC's pipeline step does (sleep 2 s, GET the set, repeat) on its own sets
// in the same simulator, so both are measured under the same load and the same set durations.
// Figures: errors, detection delay (answer − real end), polls and CES requests per wait, CES
// requests/s and connections (from the simulator), RSS, V8 heap and event-loop lag p99 (the
// server's own /metrics: prom-client's default nodejs_eventloop_lag_p99_seconds, reset per scrape).
import { rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEMO } from '../simulator/index.js';
import { heapProbe } from './heap-probe-client.js';
import { loadAverage } from './proc.js';
import { rawAgent, rawToolCall } from './raw-mcp.js';
import { ROOT, TSX, freePort, startIspwHttp, waitFor, wrap, type Child, type HttpServer, type Simulator } from './processes.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WAITS_SIMULATOR = fileURLToPath(new URL('./waits-simulator.ts', import.meta.url));
const TASK_ID = DEMO.taskIds.TPROG01;
const TOKEN = 'bench-waits-token-5d21';

export interface WaitsCase {
  /** Concurrent waiting callers (half per era). */
  callers: number;
  /** Set duration range in seconds (uniform). */
  durationS: [number, number];
  /** Callers start spread over this many seconds (arrivals, not a thundering herd). */
  rampS: number;
  /** Sets followed by the Jenkins-style 2 s poller in the same run. */
  baselineSets: number;
  /** The server's set-poll budget per CES instance (ISPW_MCP_MAX_POLLS_PER_SECOND); absent: its default. */
  pollBudget?: number;
  /**
   * Force one full GC in the server once every caller waits and read the V8 heap in use
   * (bench/heap-probe.mjs): the live memory per waiting call, apart from garbage between GCs. The
   * forced GC pauses the server once, so it is off in the timed cases of `npm run bench`.
   */
  heapAtPeak?: boolean;
  /**
   * CES callbacks (docs/performance.md "CES callbacks"): the server asks the simulator to call it
   * back when each set ends, and polls only as the fallback (its default 30 s cap).
   */
  callbacks?: boolean;
}

/** The label of a case in reports: its size, and whether CES called back. */
export const waitsLabel = (c: WaitsCase) => `${c.callers}${c.callbacks ? ' + callbacks' : ''}`;

export interface WaitsSimulator extends Simulator {
  statsUrl: string;
}

export interface Distribution {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface WaitsResult extends WaitsCase {
  waitSeconds: number;
  completed: number;
  errors: number;
  firstError?: string;
  /** Answer time − the set's real end, ms (callers whose set ended). */
  detectionMs: Distribution;
  /** GET /sets/{id} per completed wait (the polls proper). */
  pollsPerWait: Distribution;
  /** Every CES request of the run ÷ completed waits (polls, plus the create and the evidence reads). */
  cesRequestsPerWait: number;
  cesRequestsPerSecond: { mean: number; max: number };
  cesConnectionsMax: number;
  rssMaxMb: number;
  heapUsedMaxMb: number;
  eventLoopLagP99MaxMs: number;
  eventLoopLagP99MedianMs: number;
  wallS: number;
  /** With heapAtPeak: V8 heap in use after a forced full GC, and how many callers were waiting then. */
  heapAfterGcAtPeak?: { heapUsedMb: number; waiting: number };
  /** Load average (1 / 5 / 15 min) when the case ended: the cores are shared. */
  loadAverageAfter: number[];
  jenkins: { sets: number; errors: number; detectionMs: Distribution; pollsPerWait: Distribution };
  /** Every few seconds: t (s), RSS and heap (MB), lag p99 (ms), CES req/s, CES connections, callers waiting. */
  samples: { t: number; rss: number; heap: number; lagP99: number; cesRps: number; conns: number; waiting: number }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function distribution(values: number[]): Distribution {
  const xs = [...values].sort((a, b) => a - b);
  if (xs.length === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(xs.at(-1)!), mean: r(xs.reduce((a, b) => a + b, 0) / xs.length) };
}

export async function startWaitsSimulator(durationS: [number, number], awaitTimeoutMs = 600_000): Promise<WaitsSimulator> {
  const args = [TOKEN, String(durationS[0] * 1000), String(durationS[1] * 1000), String(awaitTimeoutMs)];
  const proc = spawn(process.execPath, [...TSX, WAITS_SIMULATOR, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await waitFor(proc, 'stdout', /^(\{.*\})$/m, 'the waits simulator');
  const { url, srid, statsUrl } = JSON.parse(line) as { url: string; srid: string; statsUrl: string };
  return { ...wrap(proc), url, srid, token: TOKEN, statsUrl };
}

export function getJson<T>(url: string, agent?: http.Agent, headers: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { ...(agent ? { agent } : {}), headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`GET ${url}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          try {
            resolve((res.headers['content-type'] ?? '').includes('json') ? (JSON.parse(text) as T) : (text as T));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      })
      .on('error', reject);
  });
}

/** Reads the gauges of a Prometheus text page by exact metric name (no labels). */
export function promValue(page: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(page);
  return match ? Number(match[1]) : NaN;
}

/** The Jenkins pipeline step's wait on one set: sleep 2 s, GET, repeat until a finished state. */
async function jenkinsWait(sim: WaitsSimulator, agent: http.Agent): Promise<{ setId: string; seenAt: number }> {
  const base = `${sim.url}/ispw/${encodeURIComponent(sim.srid)}`;
  const created = await new Promise<{ setId: string }>((resolve, reject) => {
    const req = http.request(
      `${base}/assignments/${DEMO.assignmentId}/taskIds/generate?level=DEV1&taskId=${TASK_ID}`,
      { method: 'POST', agent, headers: { authorization: sim.token, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { setId: string })
            : reject(new Error(`create: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
  for (;;) {
    await sleep(2_000);
    const set = await getJson<{ state?: string }>(`${base}/sets/${created.setId}`, agent, { authorization: sim.token, accept: 'application/json' });
    if (['Closed', 'Complete', 'Failed', 'Terminated'].includes(set.state ?? '')) return { setId: created.setId, seenAt: Date.now() };
  }
}

/** One case: fresh simulator and server, N callers plus the baseline, sampled until all have answered. */
export async function runWaitsCase(c: WaitsCase, log: (line: string) => void, serverEnv: Record<string, string> = {}): Promise<WaitsResult> {
  const started = performance.now();
  const sim = await startWaitsSimulator(c.durationS);
  let server: HttpServer | undefined;
  let cleanup = () => {};
  const agent = rawAgent();
  const simAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  try {
    // The audit trail goes to a file, as in production: on stderr a burst of thousands of write
    // calls can fill the pipe, and the trail fails closed (docs/performance.md, "Waits").
    const auditFile = join(tmpdir(), `ispw-bench-waits-audit-${process.pid}-${c.callers}${c.callbacks ? '-cb' : ''}.jsonl`);
    cleanup = () => rmSync(auditFile, { force: true });
    // The container image's V8 setting (Dockerfile, docs/container.md "Memory"): the server as deployed.
    const probe = c.heapAtPeak ? heapProbe(60_000) : undefined;
    const removeProbe = cleanup;
    cleanup = () => {
      removeProbe();
      probe?.remove();
    };
    // With callbacks, the server's port is chosen first: CES must know where to call back.
    const port = c.callbacks ? await freePort() : 0;
    const portArgs = c.callbacks ? ['--port', String(port)] : [];
    server = await startIspwHttp(sim, ['--http-sessions', 'stateless', ...portArgs], ['--max-semi-space-size=32', ...(probe?.nodeArgs ?? [])], {
      ...probe?.env,
      ...(c.callbacks ? { ISPW_MCP_CES_CALLBACK_URL: `http://127.0.0.1:${port}` } : {}),
      ISPW_MCP_AUDIT_FILE: auditFile,
      ...(c.pollBudget ? { ISPW_MCP_MAX_POLLS_PER_SECOND: String(c.pollBudget) } : {}),
      ...serverEnv,
    });
    const metricsUrl = server.url.replace(/\/mcp$/, '/metrics');
    const waitSeconds = Math.ceil(c.durationS[1] * 1.5 + c.rampS + 30);
    let waiting = 0;
    let errors = 0;
    let firstError: string | undefined;
    const answers: { setId: string; at: number }[] = [];
    const samples: WaitsResult['samples'] = [];
    // Sampler: the server's gauges and the simulator's counters every 2 s.
    let lastReq: { now: number; requests: number } | undefined;
    let sampling = true;
    const sampler = (async () => {
      const t0 = performance.now();
      while (sampling) {
        try {
          const [page, stats] = await Promise.all([
            getJson<string>(metricsUrl),
            getJson<{ now: number; requests: number; connections: number }>(`${sim.statsUrl}/stats`),
          ]);
          const rps = lastReq ? ((stats.requests - lastReq.requests) * 1000) / Math.max(1, stats.now - lastReq.now) : 0;
          lastReq = stats;
          samples.push({
            t: Math.round((performance.now() - t0) / 100) / 10,
            rss: Math.round(promValue(page, 'process_resident_memory_bytes') / 104857.6) / 10,
            heap: Math.round(promValue(page, 'nodejs_heap_size_used_bytes') / 104857.6) / 10,
            lagP99: Math.round(promValue(page, 'nodejs_eventloop_lag_p99_seconds') * 10000) / 10,
            cesRps: Math.round(rps),
            conns: stats.connections,
            waiting,
          });
        } catch (error) {
          log(`  sampler: ${String(error)}`);
        }
        await sleep(2_000);
      }
    })();
    const callers = Array.from({ length: c.callers }, async (_, i) => {
      await sleep((i / c.callers) * c.rampS * 1000);
      waiting++;
      try {
        const era = i % 2 === 0 ? '2026' : '2025';
        const args = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', task_ids: [TASK_ID], wait_seconds: waitSeconds };
        const result = await rawToolCall(agent, server!.url, era, i + 1, 'ispw_generate', args);
        const setId = result.structured?.setId;
        if (typeof setId !== 'string' || result.structured?.outcome === 'running') throw new Error(`no finished set: ${result.text.slice(0, 200)}`);
        answers.push({ setId, at: Date.now() });
      } catch (error) {
        errors++;
        firstError ??= String(error).slice(0, 300);
      } finally {
        waiting--;
      }
    });
    const baseline = Array.from({ length: c.baselineSets }, async (_, i) => {
      await sleep((i / c.baselineSets) * c.rampS * 1000);
      return jenkinsWait(sim, simAgent).catch((error: unknown) => String(error));
    });
    let heapAfterGcAtPeak: WaitsResult['heapAfterGcAtPeak'];
    const peak = probe
      ? (async () => {
          await sleep(c.rampS * 1000 + 3_000); // every caller has arrived; the shortest set lasts longer
          const waitingAtGc = waiting;
          await probe.command(server.pid, 'gc peak', 60_000);
          const line = probe.afterGc('peak');
          if (line) heapAfterGcAtPeak = { heapUsedMb: Math.round(line.heapUsedKb / 102.4) / 10, waiting: waitingAtGc };
        })()
      : Promise.resolve();
    const progress = setInterval(() => log(`  waits n=${c.callers}: ${waiting} waiting, ${answers.length} answered, ${errors} errors`), 15_000);
    const baselineResults = await Promise.all(baseline);
    await Promise.all(callers);
    await peak;
    clearInterval(progress);
    sampling = false;
    await sampler;
    const ends = await getJson<Record<string, { endedAt: number; polls: number }>>(`${sim.statsUrl}/ends`);
    const stats = await getJson<{ requests: number }>(`${sim.statsUrl}/stats`);
    const detection = answers.filter((a) => ends[a.setId]).map((a) => a.at - ends[a.setId]!.endedAt);
    const polls = answers.filter((a) => ends[a.setId]).map((a) => ends[a.setId]!.polls);
    const jenkinsOk = baselineResults.filter((b): b is { setId: string; seenAt: number } => typeof b !== 'string' && !!ends[b.setId]);
    const jenkinsPolls = jenkinsOk.map((b) => ends[b.setId]!.polls);
    // CES requests of the ispw-mcp callers only: all requests minus the baseline's creates and polls.
    const ispwRequests = stats.requests - jenkinsOk.length - jenkinsPolls.reduce((a, b) => a + b, 0);
    const measured = samples.filter((s) => s.t > 4);
    const lags = measured.map((s) => s.lagP99).filter((x) => Number.isFinite(x));
    return {
      ...c,
      waitSeconds,
      completed: answers.length,
      errors,
      ...(firstError ? { firstError } : {}),
      detectionMs: distribution(detection),
      pollsPerWait: distribution(polls),
      cesRequestsPerWait: Math.round((ispwRequests / Math.max(1, answers.length)) * 10) / 10,
      cesRequestsPerSecond: { mean: distribution(measured.map((s) => s.cesRps)).mean, max: Math.max(0, ...measured.map((s) => s.cesRps)) },
      cesConnectionsMax: Math.max(0, ...samples.map((s) => s.conns)),
      rssMaxMb: Math.max(0, ...samples.map((s) => s.rss).filter(Number.isFinite)),
      heapUsedMaxMb: Math.max(0, ...samples.map((s) => s.heap).filter(Number.isFinite)),
      eventLoopLagP99MaxMs: Math.max(0, ...lags),
      eventLoopLagP99MedianMs: distribution(lags).p50,
      wallS: Math.round((performance.now() - started) / 100) / 10,
      loadAverageAfter: loadAverage(),
      ...(heapAfterGcAtPeak ? { heapAfterGcAtPeak } : {}),
      jenkins: {
        sets: jenkinsOk.length,
        errors: baselineResults.length - jenkinsOk.length,
        detectionMs: distribution(jenkinsOk.map((b) => b.seenAt - ends[b.setId]!.endedAt)),
        pollsPerWait: distribution(jenkinsPolls),
      },
      samples: samples.filter((_, i) => i % 3 === 0 || samples.length < 40),
    };
  } finally {
    agent.destroy();
    simAgent.destroy();
    await server?.stop();
    await (sim as Child).stop();
    cleanup();
  }
}
