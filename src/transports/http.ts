// Streamable HTTP transport. One endpoint serves both protocol eras: 2026-07-28 requests go to the
// SDK's stateless per-request handler; 2025-era requests go to sessions or, in `stateless` mode, to
// the SDK's stateless fallback, so replicas behind a plain load balancer need no affinity.
// Every request passes Host and Origin checks first (DNS-rebinding protection).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  hostHeaderValidationResponse,
  isJsonContentType,
  isLegacyRequest,
  legacyStatelessFallback,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
  type McpServer,
} from '@modelcontextprotocol/server';

import type { Logger } from '../telemetry/logger.js';
import { LegacySessions } from './legacy-sessions.js';

export interface HttpOptions {
  host: string;
  port: number;
  sessions: 'stateful' | 'stateless';
  sessionIdleSeconds: number;
  maxSessions: number;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:8080/mcp */
  readonly url: string;
  readonly port: number;
  /** Stops accepting requests, closes sessions and waits for the listener to close. */
  close(): Promise<void>;
}

export const MCP_PATH = '/mcp';
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

function allowedHostnames(options: HttpOptions): string[] {
  const names = new Set([...localhostAllowedHostnames(), ...options.allowedHosts]);
  if (!WILDCARDS.has(options.host)) names.add(options.host.includes(':') ? `[${options.host}]` : options.host);
  return [...names];
}

const jsonRpcError = (status: number, code: number, message: string) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });

export async function startHttpServer(
  factory: () => McpServer,
  options: HttpOptions,
  logger: Logger,
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

  const route = async (request: Request): Promise<Response> => {
    const rejected = hostHeaderValidationResponse(request, hosts) ?? originValidationResponse(request, origins);
    if (rejected) return rejected;
    if (draining) return jsonRpcError(503, -32000, 'Server is shutting down; retry on another replica.');
    if (request.method === 'POST' && !isJsonContentType(request.headers.get('content-type'))) {
      return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    if (!(await isLegacyRequest(request))) return modern.fetch(request);
    return sessions ? sessions.handle(request) : stateless(request);
  };
  const mcp = toNodeHandler({ fetch: route }, { onerror: (e) => logger.error({ err: e }, 'HTTP adapter error') });

  const health = (res: ServerResponse, ok: boolean, body: object) => {
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === MCP_PATH) {
      mcp(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'MCP request failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else if (path === '/livez' && req.method === 'GET') {
      health(res, true, { status: 'ok' });
    } else if (path === '/readyz' && req.method === 'GET') {
      health(res, !draining, { status: draining ? 'draining' : 'ready' });
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found', mcp: MCP_PATH }));
    }
  });
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
  const url = `http://${shownHost}:${port}${MCP_PATH}`;
  logger.info({ url, sessions: options.sessions }, 'MCP Streamable HTTP server listening');

  return {
    url,
    port,
    close: async () => {
      draining = true;
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
