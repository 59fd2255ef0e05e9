// The Streamable HTTP fast path for the common request: one JSON-RPC `tools/call` POSTed to /mcp in
// the 2026-07-28 era, or in the 2025 era on a stateless server. It answers exactly as the SDK's
// createMcpHandler / legacyStatelessFallback would (same checks, status, headers and JSON-RPC body),
// but dispatches straight to the shared tool table (mcp/kit/tool-dispatch.ts) and serialises once,
// saving ~0.3 ms of CPU per call (docs/performance.md). It is contained: the request has passed the
// same admission as every other (admission.ts), it runs only with the SDK release it was verified
// against (sdk-version.ts), ISPW_MCP_HTTP_FAST_PATH=false turns it off, and whatever it cannot
// answer identically is left to the SDK path (http.ts). The differential test
// (test/e2e/http-fast-call.test.ts) holds it to the SDK's answers.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  JSONRPC_VERSION,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  ProtocolErrorCode,
  SERVER_INFO_META_KEY,
  SUPPORTED_PROTOCOL_VERSIONS,
  SdkError,
  SdkErrorCode,
  classifyInboundRequest,
  isInputRequiredResult,
  type AuthInfo,
  type CallToolResult,
  type Implementation,
  type ServerContext,
} from '@modelcontextprotocol/server';

import { callViewTool, type ToolView } from '../mcp/kit/tool-dispatch.js';

// Not exported by the SDK, so copied from the verified release (sdk-version.ts pins it): the only
// modern revision the fast path serves (a later one the SDK learns goes the SDK way), the reserved
// `_meta` prefix, and the SSE keep-alive interval (DEFAULT_SSE_KEEP_ALIVE_MS) and headers of the
// 2025 transport.
const MODERN_REVISION = '2026-07-28';
/** The reserved envelope keys the SDK lifts out of `_meta` into `ctx.mcpReq.envelope` (protocol.ts). */
const ENVELOPE_KEYS = [PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY];
const RESERVED_META_PREFIX = 'io.modelcontextprotocol/';
const MESSAGE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const PARAMS_KEYS = new Set(['name', 'arguments', '_meta']);
const SSE_KEEP_ALIVE_MS = 15_000;
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };

type Json = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};
/** RFC 9110 optional whitespace, stripped as the SDK's classifier does (stripHttpOws). */
const stripOws = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

// ---------------------------------------------------------------------------------------------
// Which requests the fast path answers

/** A tools/call the fast path answers exactly as the SDK would. */
export interface FastCallPlan {
  readonly era: '2025' | '2026';
  readonly id: string | number;
  readonly name: string;
  readonly args: Json | undefined;
  /** `ctx.mcpReq._meta`: the request's `_meta` without the lifted envelope keys. */
  readonly meta: Json | undefined;
  /** `ctx.mcpReq.envelope` (2026 era). */
  readonly envelope: Json | undefined;
}

/**
 * Decides from the parsed body and the headers whether this is a request the fast path answers
 * identically; undefined sends it down the SDK path. Conservative by design: only a single request
 * with exactly `{jsonrpc, id, method: 'tools/call', params: {name, arguments?, _meta?}}`, no progress
 * token (progress needs streamed notifications), and headers the SDK would accept as they are.
 */
export function planFastCall(message: unknown, headers: IncomingHttpHeaders, legacyStateless: boolean): FastCallPlan | undefined {
  if (!isPlainObject(message) || message.jsonrpc !== JSONRPC_VERSION || message.method !== 'tools/call') return undefined;
  for (const key in message) if (!MESSAGE_KEYS.has(key)) return undefined;
  const { id, params } = message;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) return undefined;
  if (!isPlainObject(params) || typeof params.name !== 'string') return undefined;
  for (const key in params) if (!PARAMS_KEYS.has(key)) return undefined;
  const args = params.arguments;
  const meta = params._meta;
  // (A `__proto__` argument would change its object's prototype where the SDK copies the record.)
  if (args !== undefined && (!isPlainObject(args) || Object.hasOwn(args, '__proto__'))) return undefined;
  if (meta !== undefined && (!isPlainObject(meta) || 'progressToken' in meta)) return undefined;
  const name = params.name;

  const protocolVersion = header(headers, 'mcp-protocol-version');
  const mcpMethod = header(headers, 'mcp-method');
  const mcpName = header(headers, 'mcp-name');
  // The SDK's own era classification and envelope validation (both eras go through it).
  const route = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: protocolVersion,
    mcpMethodHeader: mcpMethod,
    mcpNameHeader: mcpName,
    body: message,
  });

  if (route.kind === 'modern') {
    if (route.messageKind !== 'request' || route.classification.revision !== MODERN_REVISION) return undefined;
    // SEP-2243 standard headers (the SDK's validateStandardRequestHeaders): all three present, the
    // name a plain value equal to params.name. Mismatches were refused by the classifier already.
    if (protocolVersion === undefined || mcpMethod === undefined || mcpName === undefined) return undefined;
    const nameHeader = stripOws(mcpName);
    if ((nameHeader.startsWith('=?base64?') && nameHeader.endsWith('?=')) || nameHeader !== name) return undefined;
    // The envelope lift (protocol.ts liftWireOnlyMaterial): reserved keys to `envelope`, the rest stay.
    const envelope: Json = {};
    for (const key of ENVELOPE_KEYS) if (key in (meta as Json)) envelope[key] = (meta as Json)[key];
    const rest: Json = {};
    let restKeys = 0;
    for (const key of Object.keys(meta as Json)) {
      if (!ENVELOPE_KEYS.includes(key)) {
        rest[key] = (meta as Json)[key];
        restKeys += 1;
      }
    }
    return { era: '2026', id, name, args, meta: restKeys > 0 ? rest : undefined, envelope };
  }

  if (route.kind === 'legacy' && legacyStateless) {
    // The 2025 transport's checks (WebStandardStreamableHTTPServerTransport.handlePostRequest).
    const accept = header(headers, 'accept');
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (protocolVersion !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion)) return undefined;
    // Reserved keys would be lifted or validated by the 2025 schemas; leave those to the SDK.
    if (meta !== undefined && Object.keys(meta).some((key) => key.startsWith(RESERVED_META_PREFIX))) return undefined;
    return { era: '2025', id, name, args, meta, envelope: undefined };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Running it

const unavailable = (what: string) => () => Promise.reject(new Error(`${what} is not available to a tools/call answered on the HTTP fast path`));
// Made once: they are the same for every call.
const UNAVAILABLE = {
  send: unavailable('ctx.mcpReq.send'),
  notify: unavailable('ctx.mcpReq.notify'),
  log: unavailable('ctx.mcpReq.log'),
  elicitInput: unavailable('ctx.mcpReq.elicitInput'),
  requestSampling: unavailable('ctx.mcpReq.requestSampling'),
};
const noRequestState = () => undefined;

/** What call.ts reads from the SDK's handler context, built as the SDK builds it (protocol.ts `_onrequest`). */
function serverContext(plan: FastCallPlan, authInfo: AuthInfo | undefined, signal: AbortSignal): ServerContext {
  return {
    sessionId: undefined,
    mcpReq: {
      id: plan.id,
      method: 'tools/call',
      _meta: plan.meta,
      ...(plan.envelope !== undefined && { envelope: plan.envelope }),
      requestState: noRequestState,
      signal,
      // Only progress (excluded from the fast path by planFastCall) sends anything mid-call.
      send: UNAVAILABLE.send,
      notify: UNAVAILABLE.notify,
      log: UNAVAILABLE.log,
      elicitInput: UNAVAILABLE.elicitInput,
      requestSampling: UNAVAILABLE.requestSampling,
    },
    http: { authInfo },
  };
}

/**
 * Our results are `{content: [text…], structuredContent?: object, isError?}` by construction
 * (call.ts, tool-dispatch.ts); for those the SDK's result projection, codec validation and 2025
 * encoding are the identity. Checked per call so an unexpected shape fails loudly, never silently.
 */
function isPlainToolResult(result: CallToolResult): boolean {
  for (const key in result) if (key !== 'content' && key !== 'structuredContent' && key !== 'isError') return false;
  if (result.isError !== undefined && typeof result.isError !== 'boolean') return false;
  if (result.structuredContent !== undefined && !isPlainObject(result.structuredContent)) return false;
  if (!Array.isArray(result.content)) return false;
  for (const block of result.content) {
    if (!isPlainObject(block) || block.type !== 'text' || typeof block.text !== 'string') return false;
    for (const key in block) if (key !== 'type' && key !== 'text') return false;
  }
  return true;
}

/**
 * Whether the fast path may run this tool: the SDK's result projection is the identity only for an
 * object-rooted output schema (the 2025 era wraps anything else as `{result}`); all of ours are
 * objects, and a tool that is not one goes the SDK way. An unknown tool is answered identically.
 */
export function servesFast(view: ToolView, name: string): boolean {
  const schema = view.byName.get(name)?.outputJson;
  return schema === undefined || schema.type === 'object';
}

const identityProjection = (result: CallToolResult): CallToolResult => result;

/**
 * Runs the call and returns the JSON-RPC response message the SDK would send: the result (2026:
 * plus `resultType` and the serverInfo `_meta` stamp, as the 2026 codec encodes it) or the error.
 */
export async function runFastCall(
  plan: FastCallPlan,
  view: ToolView,
  serverInfo: Implementation,
  authInfo: AuthInfo | undefined,
  signal: AbortSignal,
): Promise<Json> {
  try {
    const result = await callViewTool(view, plan.name, plan.args, serverContext(plan, authInfo, signal), identityProjection);
    if (isInputRequiredResult(result)) {
      // A question for the client's user (human confirmation, 2026 era only: the call wrapper asks
      // only requests that declared elicitation, the check the SDK's seam makes). Encoded as the
      // 2026 codec encodes it: the result as returned plus the serverInfo stamp.
      if (plan.era !== '2026') return { jsonrpc: JSONRPC_VERSION, id: plan.id, error: { code: ProtocolErrorCode.InternalError, message: 'Internal error' } };
      return { result: { ...result, _meta: { [SERVER_INFO_META_KEY]: serverInfo } }, jsonrpc: JSONRPC_VERSION, id: plan.id };
    }
    if (!isPlainToolResult(result)) {
      // The SDK's answer when it cannot encode a result (protocol.ts): -32603 "Internal error".
      return { jsonrpc: JSONRPC_VERSION, id: plan.id, error: { code: ProtocolErrorCode.InternalError, message: 'Internal error' } };
    }
    const encoded = plan.era === '2026' ? { ...result, resultType: 'complete', _meta: { [SERVER_INFO_META_KEY]: serverInfo } } : result;
    return { result: encoded, jsonrpc: JSONRPC_VERSION, id: plan.id };
  } catch (error) {
    // protocol.ts: a thrown error becomes a JSON-RPC error with its code (-32603 when it has none).
    const e = error as { code?: unknown; message?: unknown; data?: unknown };
    const thrown = Number.isSafeInteger(e.code) ? (e.code as number) : ProtocolErrorCode.InternalError;
    return {
      jsonrpc: JSONRPC_VERSION,
      id: plan.id,
      error: { code: wireErrorCode(thrown), message: e.message ?? 'Internal error', ...(e.data !== undefined && { data: e.data }) },
    };
  }
}

/**
 * The error code as the SDK's era codecs put it on the wire (their `encodeErrorCode`, both eras):
 * -32002 (ResourceNotFound, what SDK releases before 2026-07-28 sent for a missing resource) goes out
 * as -32602 (InvalidParams), because the 2026-07-28 specification says a missing resource MUST be
 * answered with Invalid Params on every revision; the SDK keeps -32002 only to recognise it from
 * older peers. Our tools never throw -32002 today, but a handler that did would be answered the same
 * on both paths.
 */
export function wireErrorCode(code: number): number {
  return code === ProtocolErrorCode.ResourceNotFound ? ProtocolErrorCode.InvalidParams : code;
}

/** Counts of the fast path's decisions, for tests and debugging (not a wire-visible thing). */
export interface FastPathStats {
  /** tools/call requests answered by the fast path. */
  readonly answered: number;
  /** MCP POSTs handed to the SDK path after the fast path read them. */
  readonly handedOver: number;
}

/**
 * Serves one planned call on a Node response. The abort signal follows the connection, as the SDK's
 * does (its handler context is aborted with ConnectionClosed when the response closes early). The
 * 2025 era answers over SSE like the SDK's stateless transport, including its keep-alive comment
 * every 15 s while a long call runs; the 2026 era answers with one JSON body.
 */
export async function serveFastCall(
  plan: FastCallPlan,
  view: ToolView,
  serverInfo: Implementation,
  authInfo: AuthInfo | undefined,
  res: ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  let finished = false;
  const onClose = () => {
    if (!finished) abort.abort(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'));
  };
  res.once('close', onClose);
  if (res.destroyed) onClose();
  let keepAlive: NodeJS.Timeout | undefined;
  if (plan.era === '2025') {
    keepAlive = setInterval(() => {
      if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
      res.write(': keepalive\n\n');
    }, SSE_KEEP_ALIVE_MS);
    keepAlive.unref();
  }
  let message: Json;
  try {
    message = await runFastCall(plan, view, serverInfo, authInfo, abort.signal);
  } finally {
    clearInterval(keepAlive);
  }
  finished = true;
  res.off('close', onClose);
  // The SDK sends nothing for a request whose connection closed meanwhile.
  if (abort.signal.aborted || res.destroyed) return;
  const json = JSON.stringify(message);
  if (plan.era === '2026') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  } else {
    if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
    res.end(`event: message\ndata: ${json}\n\n`);
  }
}
