// Streamable HTTP transport. One endpoint serves both protocol eras: 2026-07-28 requests go to the
// SDK's stateless per-request handler; 2025-era requests go to sessions or, in `stateless` mode, to
// the SDK's stateless fallback, so replicas behind a plain load balancer need no affinity.
// Every request passes Host and Origin checks first (DNS-rebinding protection).
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { PeerCertificate } from 'node:tls';

import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  createMcpHandler,
  hostHeaderValidationResponse,
  isJsonContentType,
  isLegacyRequest,
  legacyStatelessFallback,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
  validateHostHeader,
  validateOriginHeader,
  type AuthInfo,
  type Server as SdkServer,
} from '@modelcontextprotocol/server';

import { reasonOfTlsError } from '../auth/failure-reasons.js';
import type { AuthGate } from '../auth/http-gate.js';
import { verifiedPeerCertificate } from '../auth/mtls.js';

import type { Drain } from '../mcp/drain.js';
import type { ToolDispatch } from '../mcp/kit/tool-dispatch.js';
import type { Logger } from '../telemetry/logger.js';
import { serveOpsRoute } from '../telemetry/metrics-server.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Readiness } from '../telemetry/readiness.js';
import type { Tracing } from '../telemetry/tracing.js';
import { planFastCall, readBody, replayRequest, servesFast, serveFastCall, type BodyRead, type FastPathStats } from './fast-call.js';
import { jsonRpcError, LegacySessions } from './legacy-sessions.js';

export interface HttpOptions {
  host: string;
  port: number;
  sessions: 'stateful' | 'stateless';
  sessionIdleSeconds: number;
  maxSessions: number;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** Authentication of HTTP callers (OAuth bearer, mTLS identity, PRM, scope checks): src/auth/http-gate.ts. */
  gate?: AuthGate | undefined;
  /** Serve HTTPS; with `clientCaPem`, clients must present a certificate signed by it (mTLS). */
  tls?: { certPem: string; keyPem: string; clientCaPem?: string | undefined } | undefined;
  /**
   * Answer single tools/call POSTs (2026 era; 2025 era when stateless) on the fast path
   * (fast-call.ts) instead of through the SDK's per-request server; the answers are the same.
   * Default on; off only to compare the two (tests, benchmarks).
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

/** Sends a web Response through a Node response (the well-known documents). */
async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
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
      ? new LegacySessions(factory, { idleSeconds: options.sessionIdleSeconds, maxSessions: options.maxSessions, logger })
      : undefined;
  let draining = false;
  const { track: trackPost, done: postsDone } = postTracker();

  const gate = options.gate;
  // The verified client certificate of the connection a request came on (mTLS), for the gate.
  const peer = new AsyncLocalStorage<PeerCertificate | undefined>();

  /** The gate's verdict: AuthInfo, undefined (no authentication configured) or the refusal to send. */
  const authenticate = async (request: Request): Promise<AuthInfo | Response | undefined> => {
    if (!gate) return undefined;
    const outcome = await gate.authenticate({
      url: new URL(request.url),
      authorization: request.headers.get('authorization') ?? undefined,
      peerCertificate: peer.getStore(),
    });
    if (outcome instanceof Response || outcome === undefined || request.method !== 'POST') return outcome;
    const body: unknown = await request.clone().json().catch(() => undefined);
    return (await gate.scopeChallenge(body, outcome)) ?? outcome;
  };

  /** After the checks and authentication: the era's SDK handler. */
  // `parsedBody`: the body the fast path has parsed already (undefined: the SDK reads it, and
  // answers an empty or malformed body itself), so a handed-over request is parsed once, not three times.
  const dispatch = async (request: Request, auth: AuthInfo | undefined, parsedBody?: unknown): Promise<Response> => {
    const options = { ...(auth && { authInfo: auth }), ...(parsedBody !== undefined && { parsedBody }) };
    if (!(await isLegacyRequest(request, parsedBody))) return modern.fetch(request, options);
    return sessions ? sessions.handle(request, auth, parsedBody) : stateless(request, options);
  };
  const route = async (request: Request): Promise<Response> => {
    const rejected = hostHeaderValidationResponse(request, hosts) ?? originValidationResponse(request, origins);
    if (rejected) return rejected;
    if (draining || ops.drain?.draining) {
      const refused = jsonRpcError(503, -32000, 'Server is shutting down; retry on another replica.');
      refused.headers.set('retry-after', '1');
      return refused;
    }
    if (request.method === 'POST' && !isJsonContentType(request.headers.get('content-type'))) {
      return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    // Step: authenticate (after Host/Origin, so a rebinding attempt is refused before anything else).
    const auth = await authenticate(request);
    if (auth instanceof Response) return auth;
    return dispatch(request, auth);
  };
  const adapterOptions = { onerror: (e: Error) => logger.error({ err: e }, 'HTTP adapter error') };
  const mcp = toNodeHandler({ fetch: route }, adapterOptions);

  // The tools/call fast path (fast-call.ts). It reads the body once, runs route's steps in route's
  // order on the Node request, and hands everything it does not answer itself to the SDK's Node
  // adapter with the bytes put back (replayRequest), so those requests are served exactly as before.
  const toolDispatch = options.fastToolCalls === false ? undefined : factory.toolDispatch;
  const fastPath = { answered: 0, handedOver: 0 };
  const handOver = (req: IncomingMessage, body: BodyRead, res: ServerResponse, fetch: (request: Request) => Promise<Response>) => {
    fastPath.handedOver += 1;
    return toNodeHandler({ fetch }, adapterOptions)(replayRequest(req, body), res);
  };
  const servePost = async (dispatcher: ToolDispatch, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // A declared length over the SDK's limit: the adapter refuses it (413) without reading.
    if (Number(req.headers['content-length']) > DEFAULT_MAX_REQUEST_BODY_SIZE) {
      fastPath.handedOver += 1;
      return mcp(req, res);
    }
    const body = await readBody(req, DEFAULT_MAX_REQUEST_BODY_SIZE);
    if (!body.complete) return handOver(req, body, res, route);
    // route's checks, in route's order; any refusal is route's to answer.
    const headers = req.headers;
    const refused =
      !validateHostHeader(headers.host, hosts).ok ||
      !validateOriginHeader(headers.origin, origins).ok ||
      draining ||
      ops.drain?.draining ||
      !isJsonContentType(headers['content-type']);
    if (refused) return handOver(req, body, res, route);
    let message: unknown;
    try {
      message = body.text.length === 0 ? undefined : JSON.parse(body.text);
    } catch {
      message = undefined;
    }
    let auth: AuthInfo | undefined;
    if (gate) {
      let outcome: AuthInfo | Response | undefined;
      try {
        // The URL as the adapter builds it (toWebRequest); the gate reads its query string.
        const url = new URL(`http://${headers.host ?? 'localhost'}${req.url ?? '/'}`);
        outcome = await gate.authenticate({ url, authorization: headers.authorization, peerCertificate: peer.getStore() });
        if (outcome !== undefined && !(outcome instanceof Response)) outcome = (await gate.scopeChallenge(message, outcome)) ?? outcome;
      } catch (error) {
        // As when route's authenticate throws: the adapter reports it and answers 500.
        return handOver(req, body, res, () => Promise.reject(error));
      }
      if (outcome instanceof Response) {
        const refusal = outcome;
        return handOver(req, body, res, () => Promise.resolve(refusal));
      }
      auth = outcome;
    }
    const plan = planFastCall(message, headers, options.sessions === 'stateless');
    const view = plan && dispatcher.viewFor(auth);
    if (!plan || !view || !servesFast(view, plan.name)) return handOver(req, body, res, (request) => dispatch(request, auth, message));
    fastPath.answered += 1;
    await serveFastCall(plan, view, dispatcher.serverInfo, auth, res);
  };

  const health = (res: ServerResponse, ok: boolean, body: object) => {
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const wellKnown = gate?.metadata(path, req.method ?? 'GET');
    if (path === MCP_PATH && req.method === 'POST') trackPost(res);
    if (path === MCP_PATH) {
      const serve = toolDispatch && req.method === 'POST' ? () => servePost(toolDispatch, req, res) : () => mcp(req, res);
      const handle = () =>
        peer.run(verifiedPeerCertificate(req.socket), serve).catch((error: unknown) => {
          logger.error({ err: error }, 'MCP request failed');
          if (!res.headersSent) res.writeHead(500).end();
        });
      if (ops.tracing) {
        void ops.tracing.withIncoming((name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value[0] : value;
        }, handle);
      } else {
        void handle();
      }
    } else if (wellKnown) {
      void sendResponse(res, wellKnown); // RFC 9728 Protected Resource Metadata
    } else if ((ops.readiness || ops.metrics) && serveOpsRoute(req, res, { ...ops, logger })) {
      // /livez, /readyz and /metrics (telemetry/metrics-server.ts)
    } else if (path === '/livez' && req.method === 'GET') {
      health(res, true, { status: 'ok' });
    } else if (path === '/readyz' && req.method === 'GET') {
      health(res, !draining, { status: draining ? 'draining' : 'ready' });
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found', mcp: MCP_PATH }));
    }
  };
  const tls = options.tls;
  const server: Server = tls
    ? (createTlsServer(
        {
          cert: tls.certPem,
          key: tls.keyPem,
          minVersion: 'TLSv1.2',
          ...(tls.clientCaPem ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      ))
    : createServer(handler);
  // mTLS: clients without a certificate from the client CA are refused in the handshake; count them.
  if (tls?.clientCaPem) server.on('tlsClientError', (error) => ops.metrics?.authFailure(reasonOfTlsError(error)));
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
  logger.info({ url, sessions: options.sessions, authentication: gate?.enabled ? 'required' : 'none', mtls: Boolean(tls?.clientCaPem) }, 'MCP Streamable HTTP server listening');

  return {
    url,
    port,
    fastPath,
    close: async () => {
      draining = true;
      // A tool call's callback has returned before its response is written: let the POSTs in
      // flight finish sending (bounded) before the MCP servers behind them are closed.
      await postsDone(5_000);
      await sessions?.close();
      await modern.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
    },
  };
}
