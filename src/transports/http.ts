// Streamable HTTP transport. One endpoint serves both protocol eras: 2026-07-28 requests go to the
// SDK's stateless per-request handler; 2025-era requests go to sessions or, in `stateless` mode, to
// the SDK's stateless fallback, so replicas behind a plain load balancer need no affinity. Every MCP
// request passes one admission first (admission.ts: Host/Origin, method, draining, media type, size,
// authentication, bounded body); then a single tools/call may be answered on the fast path
// (fast-call.ts) and everything else goes to the SDK with the body already parsed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  isLegacyRequest,
  legacyStatelessFallback,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  type AuthInfo,
  type Server as SdkServer,
} from '@modelcontextprotocol/server';

import { reasonOfTlsError } from '../auth/failure-reasons.js';
import type { AuthGate } from '../auth/http-gate.js';

import { LISTENER_CLOSE_MS, RESPONSE_FLUSH_MS, type Drain } from '../mcp/drain.js';
import { CALLBACK_PATH_PREFIX, type SetCallbacks } from '../mcp/kit/set-callbacks.js';
import type { ToolDispatch } from '../mcp/kit/tool-dispatch.js';
import type { Logger } from '../telemetry/logger.js';
import { serveOpsRoute } from '../telemetry/metrics-server.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Readiness } from '../telemetry/readiness.js';
import type { Tracing } from '../telemetry/tracing.js';
import { admit, sendWebResponse, type Admitted } from './admission.js';
import { MAX_BODY_BYTES, refuseTooLarge, replayRequest } from './body.js';
import { planFastCall, servesFast, serveFastCall, type FastPathStats } from './fast-call.js';
import { LegacySessions, type SessionLimits } from './legacy-sessions.js';
import { listenerTls, type ListenerTlsSources } from './listener-tls.js';
import { serveCesCallback } from './ces-callbacks.js';
import { decideFastPath, installedSdkVersion } from './sdk-version.js';

export interface HttpOptions {
  host: string;
  port: number;
  sessions: 'stateful' | 'stateless';
  sessionIdleSeconds: number;
  maxSessions: number;
  /** Most 2025-era sessions one caller may hold, and how many it may open per minute (legacy-sessions.ts). */
  maxSessionsPerCaller?: number | undefined;
  sessionsPerMinute?: number | undefined;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** Authentication of HTTP callers (OAuth bearer, mTLS identity, PRM, scope checks): src/auth/http-gate.ts. */
  gate?: AuthGate | undefined;
  /** Serve HTTPS from material that may rotate; with a client CA, clients must present a certificate signed by it (mTLS). */
  tls?: ListenerTlsSources | undefined;
  /**
   * Answer single tools/call POSTs (2026 era; 2025 era when stateless) on the fast path
   * (fast-call.ts) instead of through the SDK's per-request server; the answers are the same. On by
   * default (ISPW_MCP_HTTP_FAST_PATH), and only with the SDK release it was verified against
   * (sdk-version.ts).
   */
  fastToolCalls?: boolean | undefined;
}

/** Observability and lifecycle hooks of the listener; each is optional (tests, library use). */
export interface HttpOps {
  metrics?: Metrics | undefined;
  readiness?: Readiness | undefined;
  /** Once draining, new MCP requests get a retryable 503 and /readyz reports not ready. */
  drain?: Drain | undefined;
  /** Makes an incoming W3C `traceparent` header the parent of the MCP spans. */
  tracing?: Tracing | undefined;
  /** CES callbacks that wake set waits (`/ces-events/{id}`, ces-callbacks.ts); absent: not served. */
  callbacks?: SetCallbacks | undefined;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8080/mcp */
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests, closes sessions and waits for the listener to close. */
  close(): Promise<void>;
  /** How many MCP POSTs the tools/call fast path answered and handed to the SDK path. */
  readonly fastPath: FastPathStats;
}

export const MCP_PATH = '/mcp';
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

function allowedHostnames(options: HttpOptions): string[] {
  const names = new Set([...localhostAllowedHostnames(), ...options.allowedHosts]);
  if (!WILDCARDS.has(options.host)) names.add(options.host.includes(':') ? `[${options.host}]` : options.host);
  return [...names];
}

/** Counts MCP POSTs whose response has not ended, so shutdown can let them finish. */
function postTracker() {
  let open = 0;
  let wake: (() => void) | undefined;
  const track = (res: ServerResponse) => {
    open += 1;
    res.once('close', () => {
      open -= 1;
      if (open === 0) wake?.();
    });
  };
  const done = (timeoutMs: number) =>
    open === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
  return { track, done };
}

/** The methods the health and metrics paths answer. */
const OPS_METHODS = 'GET, HEAD';
const OPS_PATHS = new Set(['/livez', '/readyz', '/metrics']);

export async function startHttpServer(
  // With `toolDispatch` (createServerFactory's), tools/call can take the fast path.
  factory: ((ctx?: { authInfo?: AuthInfo }) => SdkServer) & { readonly toolDispatch?: ToolDispatch },
  options: HttpOptions,
  logger: Logger,
  ops: HttpOps = {},
): Promise<RunningHttpServer> {
  const hosts = allowedHostnames(options);
  const origins = [...localhostAllowedOrigins(), ...options.allowedOrigins];
  if (WILDCARDS.has(options.host) && options.allowedHosts.length === 0) {
    logger.warn('listening on all interfaces but only localhost Host headers are accepted; set ISPW_MCP_ALLOWED_HOSTS to the names clients use');
  }
  const modern = createMcpHandler(factory, { legacy: 'reject', onerror: (e) => logger.debug({ err: e }, 'modern request rejected') });
  const stateless = legacyStatelessFallback(factory, (e) => logger.debug({ err: e }, 'legacy request rejected'));
  const sessions =
    options.sessions === 'stateful'
      ? new LegacySessions(factory, {
          idleSeconds: options.sessionIdleSeconds,
          maxSessions: options.maxSessions,
          ...sessionLimits(options),
          logger,
        })
      : undefined;
  let draining = false;
  const { track: trackPost, done: postsDone } = postTracker();
  const gate = options.gate;
  const rules = { hosts, origins, gate, draining: () => draining || ops.drain?.draining === true, logger };

  /** After admission: the era's SDK handler, given the body the admission parsed (undefined: the SDK reads and answers it). */
  const dispatch = async (request: Request, admitted: Admitted): Promise<Response> => {
    const { auth, message } = admitted;
    const options = { ...(auth && { authInfo: auth }), ...(message !== undefined && { parsedBody: message }) };
    if (!(await isLegacyRequest(request, message))) return modern.fetch(request, options);
    return sessions ? sessions.handle(request, auth, message, admitted.caller) : stateless(request, options);
  };
  const adapterOptions = { maxRequestBodySize: MAX_BODY_BYTES, onerror: (e: Error) => logger.error({ err: e }, 'HTTP adapter error') };
  /** Hands an admitted request to the SDK's Node adapter: a POST with its body bytes put back in front. */
  const toSdk = (req: IncomingMessage, res: ServerResponse, admitted: Admitted) =>
    toNodeHandler({ fetch: (request) => dispatch(request, admitted) }, adapterOptions)(admitted.chunks ? replayRequest(req, admitted.chunks) : req, res);

  // The tools/call fast path (fast-call.ts), when switched on and the verified SDK is installed.
  const decision = decideFastPath(options.fastToolCalls !== false, installedSdkVersion());
  const toolDispatch = decision.on ? factory.toolDispatch : undefined;
  if (!decision.on && factory.toolDispatch) {
    // Switched off on purpose: information. Another SDK release: worth an operator's look (more CPU per call).
    logger[options.fastToolCalls === false ? 'info' : 'warn']({ reason: decision.reason }, 'HTTP tools/call fast path off: the SDK path serves every request');
  }
  const fastPath = { answered: 0, handedOver: 0 };

  const serveMcp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const admitted = await admit(req, res, rules);
    if (!admitted) return;
    if (toolDispatch && req.method === 'POST') {
      const plan = planFastCall(admitted.message, req.headers, options.sessions === 'stateless');
      const view = plan && toolDispatch.viewFor(admitted.auth);
      if (plan && view && servesFast(view, plan.name)) {
        fastPath.answered += 1;
        return serveFastCall(plan, view, toolDispatch.serverInfo, admitted.auth, res);
      }
      fastPath.handedOver += 1;
    }
    return toSdk(req, res, admitted);
  };

  const health = (res: ServerResponse, ok: boolean, body: object) => {
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const wellKnown = gate?.metadata(path, req.method ?? 'GET');
    if (path === MCP_PATH) {
      if (req.method === 'POST') trackPost(res);
      const handle = () =>
        serveMcp(req, res).catch((error: unknown) => {
          logger.error({ err: error }, 'MCP request failed');
          if (!res.headersSent)
            res
              .writeHead(500, { 'content-type': 'application/json' })
              .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null }));
          else res.destroy();
        });
      if (ops.tracing) {
        void ops.tracing.withIncoming((name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        }, handle);
      } else {
        void handle();
      }
    } else if (ops.callbacks && path.startsWith(CALLBACK_PATH_PREFIX)) {
      serveCesCallback(req, res, path.slice(CALLBACK_PATH_PREFIX.length), ops.callbacks, { logger, metrics: ops.metrics });
    } else if (wellKnown) {
      void sendWebResponse(res, wellKnown); // RFC 9728 Protected Resource Metadata
    } else if ((ops.readiness || ops.metrics) && serveOpsRoute(req, res, { ...ops, logger })) {
      // /livez, /readyz and /metrics (telemetry/metrics-server.ts)
    } else if (path === '/livez' && req.method === 'GET') {
      health(res, true, { status: 'ok' });
    } else if (path === '/readyz' && req.method === 'GET') {
      health(res, !draining, { status: draining ? 'draining' : 'ready' });
    } else if (OPS_PATHS.has(path)) {
      logger.debug({ method: req.method, path }, 'HTTP method not allowed');
      res.writeHead(405, { allow: OPS_METHODS, 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'method not allowed', allow: OPS_METHODS }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found', mcp: MCP_PATH }));
    }
  };
  const tls = options.tls ? listenerTls(options.tls, logger) : undefined;
  const server: Server = tls ? createTlsServer(tls.serverOptions, handler) : createServer(handler);
  tls?.follow(server as unknown as HttpsServer);
  // A client that sends `Expect: 100-continue` with a body over the limit is refused before it sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return refuseTooLarge(req, res, false);
    res.writeContinue();
    handler(req, res);
  });
  // mTLS: clients without a certificate from the client CA are refused in the handshake; count them.
  if (tls?.mutual) server.on('tlsClientError', (error) => ops.metrics?.authFailure(reasonOfTlsError(error)));
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = WILDCARDS.has(options.host) ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${port}${MCP_PATH}`;
  logger.info(
    { url, sessions: options.sessions, authentication: gate?.enabled ? 'required' : 'none', mtls: Boolean(tls?.mutual), fastPath: Boolean(toolDispatch) },
    'MCP Streamable HTTP server listening',
  );

  return {
    url,
    port,
    fastPath,
    close: async () => {
      draining = true;
      tls?.close();
      // Shutdown calls this once every tool call has been answered (src/mcp/drain.ts): let those
      // answers finish sending (bounded) before the MCP servers behind them are closed, so a
      // 2025-era session's result reaches its client before the session ends.
      await postsDone(RESPONSE_FLUSH_MS);
      await sessions?.close();
      await modern.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), LISTENER_CLOSE_MS).unref();
      });
    },
  };
}

function sessionLimits(options: HttpOptions): SessionLimits {
  return {
    ...(options.maxSessionsPerCaller !== undefined && { maxPerCaller: options.maxSessionsPerCaller }),
    ...(options.sessionsPerMinute !== undefined && { perCallerPerMinute: options.sessionsPerMinute }),
  };
}
