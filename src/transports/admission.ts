// The one admission of an MCP request (/mcp), shared by the SDK path and the tools/call fast path:
// every check runs here, once, in this order, before any MCP code sees the request.
//   1. Host and Origin (DNS-rebinding protection), before anything else
//   2. the method: GET, POST and DELETE; anything else 405 with Allow
//   3. draining: 503 with Retry-After, to try another replica
//   4. POST: Content-Type application/json (415), declared length within the limit (413)
//   5. authentication from the headers and the client certificate (OAuth bearer, mTLS): 401/403
//   6. POST: the body, read within the limit (413), bounded in depth and elements (400), parsed
//   7. OAuth: the scope a tools/call in the body needs (403 insufficient_scope)
// So an unauthenticated caller's body is never read or parsed, and no body is parsed unbounded.
// Refusals are answered here; what is admitted carries the caller, the body bytes and the parsed message.
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  hostHeaderValidationResponse,
  isJsonContentType,
  originValidationResponse,
  validateHostHeader,
  validateOriginHeader,
  type AuthInfo,
} from '@modelcontextprotocol/server';

import type { AuthGate } from '../auth/http-gate.js';
import { verifiedPeerCertificate } from '../auth/mtls.js';
import { principalOf } from '../auth/principal.js';
import type { Logger } from '../telemetry/logger.js';
import { MAX_BODY_BYTES, readBody, refuseTooLarge } from './body.js';
import { checkJsonShape } from './json-bounds.js';

/** The methods /mcp serves: POST (both eras), GET and DELETE (2025-era sessions). */
export const MCP_METHODS = 'GET, POST, DELETE';
const ALLOWED = new Set(MCP_METHODS.split(', '));

export interface AdmissionRules {
  hosts: string[];
  origins: string[];
  gate: AuthGate | undefined;
  draining(): boolean;
  logger: Logger;
}

export interface Admitted {
  auth: AuthInfo | undefined;
  /**
   * Who the caller is for per-caller limits: the authenticated subject, else the client address
   * (behind a proxy that is the proxy's address: docs/security.md).
   */
  caller: string;
  /** POST: the body as received (for the SDK's adapter) and its parsed message (undefined: empty or not JSON). */
  chunks: readonly Buffer[] | undefined;
  message: unknown;
}

/** A JSON-RPC error answered before any MCP server sees the request (no request id yet). */
export const jsonRpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
  Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });

/** Writes a web Response (the SDK's refusals, the gate's challenges) to a Node response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': body.byteLength });
  res.end(body);
}

/** The URL as the SDK's Node adapter builds it (toWebRequest); the gate reads its query string. */
const requestUrl = (req: IncomingMessage) => `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;

function headerRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const name of ['host', 'origin']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(requestUrl(req), { headers });
}

/**
 * Runs the checks above. Returns what was admitted, or undefined once a refusal has been answered
 * (or the client went away mid-body: nothing is left to answer).
 */
export async function admit(req: IncomingMessage, res: ServerResponse, rules: AdmissionRules): Promise<Admitted | undefined> {
  const refuse = async (response: Response) => {
    await sendWebResponse(res, response);
    return undefined;
  };
  const headers = req.headers;
  if (!validateHostHeader(headers.host, rules.hosts).ok || !validateOriginHeader(headers.origin, rules.origins).ok) {
    // The SDK's own answers (403 and its JSON-RPC body), built from the two headers they read.
    const probe = headerRequest(req);
    return refuse(hostHeaderValidationResponse(probe, rules.hosts) ?? originValidationResponse(probe, rules.origins)!);
  }
  const method = req.method ?? 'GET';
  if (!ALLOWED.has(method)) {
    rules.logger.debug({ method }, 'HTTP method not allowed on /mcp');
    return refuse(jsonRpcError(405, -32000, `Method Not Allowed: /mcp takes ${MCP_METHODS}`, { allow: MCP_METHODS }));
  }
  if (rules.draining()) {
    return refuse(jsonRpcError(503, -32000, 'Server is shutting down; retry on another replica.', { 'retry-after': '1' }));
  }
  const post = method === 'POST';
  if (post && !isJsonContentType(headers['content-type'])) {
    return refuse(jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json'));
  }
  if (post && Number(headers['content-length']) > MAX_BODY_BYTES) {
    refuseTooLarge(req, res);
    return undefined;
  }

  let auth: AuthInfo | undefined;
  if (rules.gate) {
    const outcome = await rules.gate.authenticate({
      url: new URL(requestUrl(req)),
      authorization: headers.authorization,
      peerCertificate: verifiedPeerCertificate(req.socket),
    });
    if (outcome instanceof Response) return refuse(outcome);
    auth = outcome;
  }
  const caller = auth ? `subject:${principalOf(auth).subject}` : `address:${req.socket.remoteAddress ?? 'unknown'}`;
  if (!post) return { auth, caller, chunks: undefined, message: undefined };

  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body.complete) {
    if (body.tooLarge) refuseTooLarge(req, res);
    else rules.logger.debug({ reason: (body.error as Error | undefined)?.message }, 'request body aborted by the client');
    return undefined;
  }
  let message: unknown;
  if (body.text.length > 0) {
    const shape = checkJsonShape(body.text);
    if (!shape.ok) {
      rules.logger.debug({ reason: shape.reason }, 'request body refused unparsed');
      return refuse(jsonRpcError(400, -32600, `Invalid Request: ${shape.reason}; this server accepts MCP messages only`));
    }
    try {
      message = JSON.parse(body.text);
    } catch {
      message = undefined; // the SDK answers a malformed body with its own parse error
    }
  }
  if (rules.gate && auth) {
    const challenge = await rules.gate.scopeChallenge(message, auth);
    if (challenge) return refuse(challenge);
  }
  return { auth, caller, chunks: body.chunks, message };
}
