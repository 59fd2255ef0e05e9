// Sessionful serving of 2025-era Streamable HTTP clients: one transport and server per
// `Mcp-Session-Id`. Sessions live in this process only, so this mode suits a single replica (or
// sticky routing); idle sessions are closed after a timeout and the least recently used one is
// closed when a cap is reached, because many clients never send DELETE. Two caps: one per caller
// (authenticated subject, else client address), below the global one, so a flood of `initialize`
// from one caller closes only that caller's own sessions; and the global one. A caller may also
// open only so many sessions per minute (429 with Retry-After beyond it).
import { randomUUID } from 'node:crypto';

import { isInitializeRequest, WebStandardStreamableHTTPServerTransport, type AuthInfo, type Server as SdkServer } from '@modelcontextprotocol/server';

import { principalOf } from '../auth/principal.js';
import { createTokenBuckets, type TokenBuckets } from '../shared/token-buckets.js';
import type { Logger } from '../telemetry/logger.js';
import { jsonRpcError } from './admission.js';

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: SdkServer;
  lastUsed: number;
  /** The principal that opened the session; a session id is never authentication by itself. */
  owner: string;
  /** Who the session counts against for the per-caller cap (admission.ts `caller`). */
  caller: string;
}

export interface SessionLimits {
  /** Most sessions one caller keeps (default 100; 0: only the global cap). */
  maxPerCaller?: number;
  /** Sessions one caller may open per minute (default 60; 0: unlimited). */
  perCallerPerMinute?: number;
}

export const DEFAULT_SESSION_LIMITS = { maxPerCaller: 100, perCallerPerMinute: 60 } as const;

export class LegacySessions {
  private readonly sessions = new Map<string, Session>();
  /** Session ids per caller, in the order they were last used (least recent first). */
  private readonly byCaller = new Map<string, Set<string>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly opening: TokenBuckets;
  private readonly maxPerCaller: number;

  constructor(
    private readonly factory: (ctx: { authInfo?: AuthInfo }) => SdkServer,
    private readonly options: SessionLimits & { idleSeconds: number; maxSessions: number; logger: Logger; now?: () => number },
  ) {
    const every = Math.min(30_000, (options.idleSeconds * 1000) / 4);
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
    const perMinute = options.perCallerPerMinute ?? DEFAULT_SESSION_LIMITS.perCallerPerMinute;
    this.opening = createTokenBuckets(perMinute, options.now);
    const perCaller = options.maxPerCaller ?? DEFAULT_SESSION_LIMITS.maxPerCaller;
    this.maxPerCaller = perCaller > 0 ? Math.min(perCaller, options.maxSessions) : options.maxSessions;
  }

  /** How many sessions a caller holds. */
  heldBy(caller: string): number {
    return this.byCaller.get(caller)?.size ?? 0;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * `parsedBody`: the POST body as the admission parsed it (undefined: empty or not JSON, read here).
   * `caller`: whom a new session counts against (admission.ts), the owner's subject when not given.
   */
  async handle(request: Request, authInfo?: AuthInfo, parsedBody?: unknown, caller = `subject:${principalOf(authInfo).subject}`): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = this.sessions.get(sessionId);
      // Another caller's session id is answered like an unknown one: it must not reveal that it exists.
      if (!session || session.owner !== principalOf(authInfo).subject) {
        return jsonRpcError(404, -32001, 'Session not found: it expired or was closed; initialize a new one.');
      }
      session.lastUsed = Date.now();
      // Map and Set order double as the LRU order.
      this.sessions.delete(sessionId);
      this.sessions.set(sessionId, session);
      const held = this.byCaller.get(session.caller);
      held?.delete(sessionId);
      held?.add(sessionId);
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
    const retryAfterSeconds = this.opening.take(caller);
    if (retryAfterSeconds !== undefined) {
      const wait = String(retryAfterSeconds);
      this.options.logger.info({ caller, retryAfterSeconds }, 'initialize refused: too many sessions opened by one caller');
      return jsonRpcError(
        429,
        -32000,
        `Too Many Requests: a caller may open ${this.options.perCallerPerMinute ?? DEFAULT_SESSION_LIMITS.perCallerPerMinute} sessions per minute; retry after ${wait} s or reuse an open session.`,
        { 'retry-after': wait },
      );
    }
    return this.open(request, body, authInfo, caller);
  }

  private async open(request: Request, body: unknown, authInfo: AuthInfo | undefined, caller: string): Promise<Response> {
    // The caller's own cap first: a flood of initialize closes the flooder's sessions, nobody else's.
    while (this.heldBy(caller) >= this.maxPerCaller) {
      const oldest = this.byCaller.get(caller)!.values().next().value!;
      this.options.logger.info({ caller, sessions: this.heldBy(caller) }, "caller's session cap reached; closing its least recently used session");
      await this.closeSession(oldest);
    }
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
        this.sessions.set(id, { transport, server, lastUsed: Date.now(), owner, caller });
        let held = this.byCaller.get(caller);
        if (!held) this.byCaller.set(caller, (held = new Set()));
        held.add(id);
      },
      onsessionclosed: (id) => this.forget(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.forget(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body, ...(authInfo ? { authInfo } : {}) });
  }

  /** Drops a session from both indexes. */
  private forget(id: string): void {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (!session) return;
    const held = this.byCaller.get(session.caller);
    held?.delete(id);
    if (held?.size === 0) this.byCaller.delete(session.caller);
  }

  private async closeSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.forget(id);
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
