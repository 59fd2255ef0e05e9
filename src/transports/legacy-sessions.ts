// Sessionful serving of 2025-era Streamable HTTP clients: one transport and server per
// `Mcp-Session-Id`. Sessions live in this process only, so this mode suits a single replica (or
// sticky routing); idle sessions are closed after a timeout and the least recently used one is
// closed when the cap is reached, because many clients never send DELETE.
import { randomUUID } from 'node:crypto';

import {
  isInitializeRequest,
  WebStandardStreamableHTTPServerTransport,
  type AuthInfo,
  type Server as SdkServer,
} from '@modelcontextprotocol/server';

import { principalOf } from '../auth/principal.js';

import type { Logger } from '../telemetry/logger.js';

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: SdkServer;
  lastUsed: number;
  /** The principal that opened the session; a session id is never authentication by itself. */
  owner: string;
}

/** A JSON-RPC error answered before any MCP server sees the request (no request id yet). */
export const jsonRpcError = (status: number, code: number, message: string) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status });

export class LegacySessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly factory: (ctx: { authInfo?: AuthInfo }) => SdkServer,
    private readonly options: { idleSeconds: number; maxSessions: number; logger: Logger },
  ) {
    const every = Math.min(30_000, (options.idleSeconds * 1000) / 4);
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** `parsedBody`: the POST body when the caller has parsed it already (http.ts's fast path). */
  async handle(request: Request, authInfo?: AuthInfo, parsedBody?: unknown): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = this.sessions.get(sessionId);
      // Another caller's session id is answered like an unknown one: it must not reveal that it exists.
      if (!session || session.owner !== principalOf(authInfo).subject) {
        return jsonRpcError(404, -32001, 'Session not found: it expired or was closed; initialize a new one.');
      }
      session.lastUsed = Date.now();
      // Map order doubles as the LRU order.
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, session);
      return session.transport.handleRequest(request, { ...(authInfo && { authInfo }), ...(parsedBody !== undefined && { parsedBody }) });
    }
    if (request.method !== 'POST') return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    let body: unknown = parsedBody;
    if (body === undefined) {
      try {
        body = await request.json();
      } catch {
        return jsonRpcError(400, -32700, 'Parse error: the body is not valid JSON');
      }
    }
    if (!isInitializeRequest(body)) {
      return jsonRpcError(400, -32000, 'Bad Request: send initialize first, or the Mcp-Session-Id of an open session');
    }
    return this.open(request, body, authInfo);
  }

  private async open(request: Request, body: unknown, authInfo: AuthInfo | undefined): Promise<Response> {
    while (this.sessions.size >= this.options.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.options.logger.warn({ sessions: this.sessions.size }, 'session cap reached; closing the least recently used session');
      await this.closeSession(oldest);
    }
    const server = this.factory(authInfo ? { authInfo } : {});
    const owner = principalOf(authInfo).subject;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, lastUsed: Date.now(), owner });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body, ...(authInfo ? { authInfo } : {}) });
  }

  private async closeSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (!session) return;
    await session.server.close().catch((error: unknown) => this.options.logger.debug({ err: error }, 'closing a session failed'));
  }

  sweep(now = Date.now()): void {
    const cutoff = now - this.options.idleSeconds * 1000;
    for (const [id, session] of this.sessions) {
      if (session.lastUsed < cutoff) {
        this.options.logger.debug('closing idle session');
        void this.closeSession(id);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
  }
}
