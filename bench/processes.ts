// Child processes of the benchmark: the simulator, the reference server and ispw-mcp over HTTP.
// Each is started fresh, read from /proc while it runs, and always stopped (SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/**
 * The built server as the npm bin and the image run it: the bundled build's entry (scripts/bundle.mjs).
 * BENCH_ISPW_MAIN points at another build: a saved baseline under bench/tmp/, or dist/src/main.js (the
 * tsc build, whose profiles name one file per module).
 */
export const ISPW_MAIN = process.env.BENCH_ISPW_MAIN ?? fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
export const REFERENCE_SERVER = fileURLToPath(new URL('./reference-server.ts', import.meta.url));
const SIMULATOR_PROCESS = fileURLToPath(new URL('./simulator-process.ts', import.meta.url));
/** TypeScript children run through tsx's loader; only their start-up pays for it. */
export const TSX = ['--import', 'tsx'];

export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  stop(): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(ISPW_MAIN)) throw new Error(`${ISPW_MAIN} is missing: run \`npm run build\` first (npm run bench does)`);
}

export function wrap(proc: ChildProcess): Child {
  return {
    proc,
    pid: proc.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Waits until `pattern` matches the child's output on `stream`; returns the first group. */
export function waitFor(proc: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        proc[stream]!.off('data', onData);
        proc[stream]!.resume(); // keep draining so the child never blocks on a full pipe
        resolve(match[1]!);
      }
    };
    proc[stream]!.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${seen.slice(-2000)}`));
    });
  });
}

export interface Simulator extends Child {
  url: string;
  srid: string;
  token: string;
}

export async function startSimulatorProcess(token: string): Promise<Simulator> {
  const proc = spawn(process.execPath, [...TSX, SIMULATOR_PROCESS, token], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await waitFor(proc, 'stdout', /^(\{.*\})$/m, 'the CES simulator');
  const { url, srid } = JSON.parse(line) as { url: string; srid: string };
  return { ...wrap(proc), url, srid, token };
}

/** Environment for a server under test: only what it needs, plus PATH. */
export const serverEnv = (sim: Simulator): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  ISPW_MCP_CES_URL: sim.url,
  ISPW_MCP_SRID: sim.srid,
  ISPW_MCP_CES_TOKEN: sim.token,
  ISPW_MCP_LOG_LEVEL: 'info',
  // The per-caller rate limit (120/min by default) is policy, not capacity: a benchmark measures
  // capacity, so it is off here. Everything else runs with its defaults.
  ISPW_MCP_RATE_LIMIT_PER_MINUTE: '0',
  CES_URL: sim.url,
  CES_SRID: sim.srid,
  CES_TOKEN: sim.token,
});

export interface HttpServer extends Child {
  url: string;
}

const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/;

export async function startIspwHttp(sim: Simulator, extraArgs: string[], nodeArgs: string[] = [], extraEnv: Record<string, string> = {}): Promise<HttpServer> {
  assertBuilt();
  const args = [...nodeArgs, ISPW_MAIN, 'serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0', ...extraArgs];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...serverEnv(sim), ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await waitFor(proc, 'stderr', URL_PATTERN, 'ispw-mcp (HTTP)');
  return { ...wrap(proc), url };
}

export async function startReferenceHttp(sim: Simulator): Promise<HttpServer> {
  const proc = spawn(process.execPath, [...TSX, REFERENCE_SERVER, 'http'], { cwd: ROOT, env: serverEnv(sim), stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await waitFor(proc, 'stderr', URL_PATTERN, 'the reference server');
  return { ...wrap(proc), url };
}

/** A loopback port free a moment ago (for a server that must know its port before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
