// A real HTTP listener for transport tests: the server factory, access setup and CES directory as
// `serve` wires them, on loopback against the CES simulator, with its log lines captured (debug).
// `rawRequest` speaks HTTP/1.1 over node:http so tests can send any method, any body size, slowly,
// from a chosen loopback source address, and see socket errors (a reset) as well as the answer.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';

import { DEMO, type RunningSimulator } from '../../simulator/index.js';
import type { CesDirectory } from '../../src/ces/api.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { loadConfig } from '../../src/config/load.js';
import { Drain } from '../../src/mcp/drain.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { setupAccess } from '../../src/app/access.js';
import { callGuard } from '../../src/app/call-guard.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS, TOOLSETS } from '../../src/tools/index.js';
import { startHttpServer, type RunningHttpServer } from '../../src/transports/http.js';

export const CES_TOKEN = 'svc-token-transport-4d1a';

export interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

export interface TestListener {
  server: RunningHttpServer;
  lines: LogLine[];
  /** Resolves when a log line matching `match` has been written (event-driven, no polling). */
  logged(match: (line: LogLine) => boolean): Promise<LogLine>;
  close(): Promise<void>;
}

/** A listener configured from `env` (ISPW_MCP_* as `serve` reads them), against the simulator. */
export async function startListener(sim: RunningSimulator, env: Record<string, string> = {}): Promise<TestListener> {
  const config = loadConfig({
    env: {
      ISPW_MCP_TRANSPORT: 'http',
      ISPW_MCP_RATE_LIMIT_PER_MINUTE: '0',
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: CES_TOKEN,
      ...env,
    },
    readFile: () => '',
  });
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const w of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const access = setupAccess(config, { logger, tools: ALL_TOOLS, toolsets: TOOLSETS });
  const directory: CesDirectory = createCesDirectory(
    {
      instances: [
        {
          name: 'sim',
          url: sim.url,
          srids: sim.srids,
          token: () => CES_TOKEN,
          runtimeConfig: DEMO.runtimeConfig,
          timeoutMs: 5000,
          retries: 0,
          retryBaseDelayMs: 1,
          retryMaxDelayMs: 5,
        },
      ],
    },
    { logger },
  );
  const factory = createServerFactory({
    tools: access.tools,
    guard: callGuard(access.access, { confirmable: access.confirmable }),
    directory,
    logger,
    wait: { pollIntervalMs: 20, maxWaitSeconds: 5 },
    transport: 'http',
  });
  const server = await startHttpServer(factory, { ...config.http, port: 0, gate: access.gate, tls: access.tls, fastToolCalls: config.http.fastPath }, logger, {
    drain: new Drain(),
  });
  return {
    server,
    lines,
    logged: (match) => {
      const seen = lines.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: async () => {
      await server.close();
      access.close();
      await directory.close();
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** A socket error the client saw (e.g. ECONNRESET, EPIPE), if any. */
  error: NodeJS.ErrnoException | undefined;
  /** Whether the client managed to send the whole body. */
  sentAll: boolean;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  /** The body: a string, or a number of filler bytes. */
  body?: string | number;
  /** Send the body in this many pieces, `pauseMs` apart (a slow sender). */
  pieces?: number;
  pauseMs?: number;
  localAddress?: string;
  /** Send the headers only, then nothing (a client that stalls before its body). */
  stall?: boolean;
}

/** One HTTP/1.1 request on its own connection; resolves with the answer and any socket error, never rejects. */
export function rawRequest(url: string, r: RawRequest): Promise<RawAnswer> {
  const u = new URL(url);
  const payload = typeof r.body === 'number' ? Buffer.alloc(r.body, 0x20) : Buffer.from(r.body ?? '');
  return new Promise((resolve) => {
    let error: NodeJS.ErrnoException | undefined;
    let answer: Omit<RawAnswer, 'error' | 'sentAll'> | undefined;
    let sentAll = false;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      resolve({ ...(answer ?? { status: 0, headers: {}, body: '' }), error, sentAll });
    };
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: r.path ?? u.pathname,
        method: r.method ?? 'POST',
        headers: r.headers,
        agent: false,
        ...(r.localAddress && { localAddress: r.localAddress }),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, headers: res.headers, body: text };
          // Wait for the connection to end too, so a reset after the answer is seen.
          if (req.socket?.destroyed !== false) settle();
          else req.socket.once('close', settle);
        });
        res.on('error', (e: NodeJS.ErrnoException) => (error ??= e));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e;
      settle();
    });
    req.on('close', () => setImmediate(settle));
    if (r.stall) {
      req.flushHeaders();
      return;
    }
    const pieces = Math.max(1, r.pieces ?? 1);
    const size = Math.ceil(payload.length / pieces);
    let next = 0;
    const send = () => {
      if (req.destroyed) return;
      const chunk = payload.subarray(next * size, (next + 1) * size);
      next += 1;
      if (next >= pieces) {
        req.end(chunk, () => (sentAll = true));
      } else {
        req.write(chunk);
        setTimeout(send, r.pauseMs ?? 0);
      }
    };
    send();
  });
}
