// The tools/call fast path (src/transports/fast-call.ts) against the SDK path it stands in for: the
// same requests go to two HTTP listeners over one server factory, one with the fast path and one
// without (`fastToolCalls: false`), on loopback against the CES simulator, in both eras. Status,
// content type and the JSON-RPC messages must match (the body byte for byte where the answer does
// not depend on CES state), and the fast path's counters show which of the two answered.
import { request as httpRequest } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import type { CesDirectory } from '../../src/ces/api.js';
import { loadConfig } from '../../src/config/load.js';
import { Drain } from '../../src/mcp/drain.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { setupAccess } from '../../src/app/access.js';
import { callGuard } from '../../src/app/call-guard.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS, TOOLSETS } from '../../src/tools/index.js';
import { startHttpServer, type RunningHttpServer } from '../../src/transports/http.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';

const CES_TOKEN = 'svc-token-fast-call-8c2e';
const AUDIENCE = 'https://ispw-mcp.test/mcp';
const MODERN = '2026-07-28';

let sim: RunningSimulator;
let issuer: TestIssuer;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [sim, issuer] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), startIssuer()]);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await Promise.all([sim?.close(), issuer?.close()]);
});

interface Pair {
  fast: RunningHttpServer;
  sdk: RunningHttpServer;
  drain: Drain;
}

/** Two listeners over one factory (and one gate), as `serve` wires them: fast path on and off. */
async function pair(sessions: 'stateful' | 'stateless', env: Record<string, string> = {}): Promise<Pair> {
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
  const logger = silentLogger();
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
  const drain = new Drain();
  const options = { ...config.http, host: '127.0.0.1', port: 0, sessions, gate: access.gate };
  const fast = await startHttpServer(factory, options, logger, { drain });
  const sdk = await startHttpServer(factory, { ...options, fastToolCalls: false }, logger, { drain });
  closers.push(async () => {
    await fast.close();
    await sdk.close();
    access.close();
    await directory.close();
  });
  return { fast, sdk, drain };
}

interface Exchange {
  status: number;
  contentType: string | null;
  body: string;
  /** The JSON-RPC messages: the JSON body, or the data of each SSE event. */
  messages: unknown[];
  headers: Record<string, string>;
}

async function exchange(url: string, body: string, headers: Record<string, string>): Promise<Exchange> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  let messages: unknown[] = [];
  if (contentType?.startsWith('text/event-stream')) {
    messages = text
      .split('\n\n')
      .map((event) => event.split('\n').find((line) => line.startsWith('data: ')))
      .filter((line): line is string => line !== undefined)
      .map((line) => JSON.parse(line.slice(6)) as unknown);
  } else if (text.length > 0 && contentType?.includes('json')) {
    messages = [JSON.parse(text) as unknown];
  }
  const kept: Record<string, string> = {};
  for (const name of ['content-type', 'cache-control', 'x-accel-buffering', 'www-authenticate', 'retry-after', 'allow']) {
    const value = response.headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return { status: response.status, contentType, body: text, messages, headers: kept };
}

const envelope = (extra: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'fast-call-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
  ...extra,
});
const call = (id: unknown, name: string, args: unknown, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, ...(meta && { _meta: meta }) },
});
const call26 = (id: unknown, name: string, args: unknown, meta: Record<string, unknown> = {}) => call(id, name, args, envelope(meta));
const BASE = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const headers26 = (name: string, extra: Record<string, string> = {}) => ({
  ...BASE,
  'mcp-protocol-version': MODERN,
  'mcp-method': 'tools/call',
  'mcp-name': name,
  ...extra,
});
const headers25 = (extra: Record<string, string> = {}) => ({ ...BASE, 'mcp-protocol-version': '2025-11-25', ...extra });
const without = (headers: Record<string, string>, name: string) => Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

/** Set ids count up in the simulator: two runs of a write differ only there. */
const normalise = (text: string) => text.replace(/S\d{9}/g, 'S#########');

type Taken = 'fast' | 'sdk';

/**
 * Sends the request to both listeners and expects the same answer. `taken` says which path the
 * fast listener must have used; `exact` compares the bodies byte for byte.
 */
async function same(p: Pair, body: unknown, headers: Record<string, string>, taken: Taken, exact = true): Promise<Exchange> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const before = { ...p.fast.fastPath };
  const viaFast = await exchange(p.fast.url, raw, headers);
  const viaSdk = await exchange(p.sdk.url, raw, headers);
  expect(p.sdk.fastPath).toEqual({ answered: 0, handedOver: 0 });
  expect(p.fast.fastPath.answered - before.answered).toBe(taken === 'fast' ? 1 : 0);
  expect(viaFast.status).toBe(viaSdk.status);
  expect(viaFast.contentType).toBe(viaSdk.contentType);
  expect(viaFast.headers).toEqual(viaSdk.headers);
  expect(JSON.parse(normalise(JSON.stringify(viaFast.messages)))).toEqual(JSON.parse(normalise(JSON.stringify(viaSdk.messages))));
  if (exact) expect(normalise(viaFast.body)).toBe(normalise(viaSdk.body));
  return viaFast;
}

const resultOf = (e: Exchange) =>
  (e.messages.at(-1) as { result?: { isError?: boolean; content?: { text: string }[]; structuredContent?: Record<string, unknown> } }).result;
const errorOf = (e: Exchange) => (e.messages.at(-1) as { error?: { code: number; message: string } }).error;

describe('tools/call fast path, 2026-07-28 era', () => {
  let p: Pair;
  beforeAll(async () => {
    p = await pair('stateful'); // the 2026 era is stateless whatever the 2025 session mode
  });

  it('answers a successful call as the SDK does (JSON, serverInfo stamp, resultType)', async () => {
    const e = await same(p, call26(1, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }), headers26('ispw_get_assignment'), 'fast');
    expect(e.contentType).toBe('application/json');
    expect(resultOf(e)?.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
    expect(e.body).toContain('"resultType":"complete"');
    expect(e.body).toContain('io.modelcontextprotocol/serverInfo');
  });

  it('answers tool errors, input validation errors and unknown tools identically', async () => {
    const missing = await same(p, call26('a-1', 'ispw_get_assignment', { assignment_id: 'NOPE000001' }), headers26('ispw_get_assignment'), 'fast');
    expect(resultOf(missing)?.isError).toBe(true);
    const invalid = await same(p, call26(2, 'ispw_get_assignment', { assignment_id: 5 }), headers26('ispw_get_assignment'), 'fast');
    expect(resultOf(invalid)?.content?.[0]?.text).toMatch(/^Input validation error: Invalid arguments for tool ispw_get_assignment/);
    await same(p, call26(3, 'ispw_get_assignment', {}), headers26('ispw_get_assignment'), 'fast');
    await same(p, call26(4, 'ispw_get_assignment', undefined), headers26('ispw_get_assignment'), 'fast');
    const unknown = await same(p, call26(5, 'ispw_nope', {}), headers26('ispw_nope'), 'fast');
    expect(errorOf(unknown)).toEqual({ code: -32602, message: 'Tool ispw_nope not found' });
    await same(p, call26(6, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId, extra: true }), headers26('ispw_get_assignment'), 'fast');
    await same(p, call26(7, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId, srid: 'NOPE-1' }), headers26('ispw_get_assignment'), 'fast');
  });

  it('ignores Accept as the SDK does, and keeps extra _meta for the call', async () => {
    const args = { assignment_id: DEMO.assignmentId };
    await same(p, call26(10, 'ispw_get_assignment', args), without(headers26('ispw_get_assignment'), 'accept'), 'fast');
    await same(p, call26(11, 'ispw_get_assignment', args), headers26('ispw_get_assignment', { accept: 'application/json' }), 'fast');
    await same(p, call26(12, 'ispw_get_assignment', args), headers26('ispw_get_assignment', { accept: 'text/html' }), 'fast');
    await same(
      p,
      call26(13, 'ispw_get_assignment', args, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
      headers26('ispw_get_assignment'),
      'fast',
    );
    await same(p, call26(14, 'ispw_get_assignment', args, { 'io.modelcontextprotocol/logLevel': 'debug' }), headers26('ispw_get_assignment'), 'fast');
    await same(p, call26(15, 'ispw_get_assignment', args), headers26('ispw_get_assignment', { 'mcp-name': ' ispw_get_assignment ' }), 'fast');
  });

  it('leaves missing or mismatched SEP-2243 headers to the SDK', async () => {
    const args = { assignment_id: DEMO.assignmentId };
    const h = headers26('ispw_get_assignment');
    for (const name of ['mcp-protocol-version', 'mcp-method', 'mcp-name']) {
      const e = await same(p, call26(20, 'ispw_get_assignment', args), without(h, name), 'sdk');
      expect(e.status).toBe(400);
    }
    await same(p, call26(21, 'ispw_get_assignment', args), { ...h, 'mcp-name': 'ispw_list_sets' }, 'sdk');
    await same(p, call26(22, 'ispw_get_assignment', args), { ...h, 'mcp-method': 'tools/list' }, 'sdk');
    await same(p, call26(23, 'ispw_get_assignment', args), { ...h, 'mcp-protocol-version': '2025-11-25' }, 'sdk');
    await same(p, call26(24, 'ispw_get_assignment', args), { ...h, 'mcp-name': `=?base64?${Buffer.from('ispw_get_assignment').toString('base64')}?=` }, 'sdk');
    await same(
      p,
      call(25, 'ispw_get_assignment', args, envelope({ 'io.modelcontextprotocol/protocolVersion': '2099-01-01' })),
      { ...h, 'mcp-protocol-version': '2099-01-01' },
      'sdk',
    );
    await same(p, call(26, 'ispw_get_assignment', args, { 'io.modelcontextprotocol/protocolVersion': MODERN }), h, 'sdk');
  });

  it('leaves everything else to the SDK and answers it unchanged', async () => {
    const args = { assignment_id: DEMO.assignmentId };
    const h = headers26('ispw_get_assignment');
    await same(p, '{"jsonrpc":"2.0","id":1,"method":"tools/call",', h, 'sdk');
    await same(p, '', h, 'sdk');
    await same(p, [call26(30, 'ispw_get_assignment', args)], h, 'sdk');
    await same(p, { jsonrpc: '2.0', method: 'tools/call', params: call26(0, 'ispw_get_assignment', args).params }, h, 'sdk');
    await same(p, { jsonrpc: '2.0', id: 31, method: 'tools/list', params: { _meta: envelope() } }, { ...h, 'mcp-method': 'tools/list' }, 'sdk');
    await same(p, { ...call26(32, 'ispw_get_assignment', args), extra: 1 }, h, 'sdk');
    await same(p, { ...call26(33, 'ispw_get_assignment', args), params: { ...call26(33, 'ispw_get_assignment', args).params, task: {} } }, h, 'sdk');
    await same(p, call26(1.5, 'ispw_get_assignment', args), h, 'sdk');
    await same(p, call26(null, 'ispw_get_assignment', args), h, 'sdk');
    await same(p, call26(34, 'ispw_get_assignment', 'not-an-object'), h, 'sdk');
    await same(p, call26(35, 'ispw_get_assignment', JSON.parse('{"__proto__":{"x":1},"assignment_id":"PLAY000313"}')), h, 'sdk');
    await same(p, call26(36, 'ispw_get_assignment', args), { ...h, 'content-type': 'text/plain' }, 'sdk');
  });

  it('leaves calls with a progress token to the SDK, which streams the progress notifications', async () => {
    const args = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', wait_seconds: 5 };
    const e = await same(p, call26(40, 'ispw_generate', args, { progressToken: 'p-40' }), headers26('ispw_generate'), 'sdk');
    expect(e.contentType).toBe('text/event-stream');
    expect(e.messages.length).toBeGreaterThan(1);
    expect(e.messages[0]).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p-40' } });
    // The same call without a token is answered by the fast path (a write: compare modulo set ids).
    const plain = await same(p, call26(41, 'ispw_generate', args), headers26('ispw_generate'), 'fast');
    expect(resultOf(plain)?.isError).toBeFalsy();
  });

  it('refuses foreign Host headers, oversized bodies and requests while draining exactly as the SDK path', async () => {
    const body = JSON.stringify(call26(50, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }));
    const raw = async (url: string, headers: Record<string, string>, payload: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const u = new URL(url);
        const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(payload);
      });
    const evil = { ...headers26('ispw_get_assignment'), host: 'evil.example.com' };
    const [a, b] = [await raw(p.fast.url, evil, body), await raw(p.sdk.url, evil, body)];
    expect(a).toEqual(b);
    expect(a.status).toBe(403);
    await same(p, body, headers26('ispw_get_assignment', { origin: 'http://evil.example.com' }), 'sdk');
    await same(p, body, headers26('ispw_get_assignment', { origin: 'http://localhost:3000' }), 'fast');
    const big = JSON.stringify(call26(51, 'ispw_get_assignment', { assignment_id: 'x'.repeat(4 * 1024 * 1024) }));
    const tooBig = await same(p, big, headers26('ispw_get_assignment'), 'sdk');
    expect(tooBig.status).toBe(413);
    p.drain.start(); // the last test of this pair: draining cannot be undone
    const refused = await same(p, body, headers26('ispw_get_assignment'), 'sdk');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
  });
});

describe('tools/call fast path, 2025 era', () => {
  let stateless: Pair;
  let stateful: Pair;
  beforeAll(async () => {
    [stateless, stateful] = await Promise.all([pair('stateless'), pair('stateful')]);
  });

  it('answers over SSE as the stateless transport does', async () => {
    const ok = await same(stateless, call(1, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }), headers25(), 'fast');
    expect(ok.contentType).toBe('text/event-stream');
    expect(ok.headers['cache-control']).toBe('no-cache, no-transform');
    expect(resultOf(ok)?.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
    await same(stateless, call('s', 'ispw_get_assignment', { assignment_id: 'NOPE000001' }), headers25(), 'fast');
    await same(stateless, call(2, 'ispw_get_assignment', { assignment_id: 5 }), headers25(), 'fast');
    const unknown = await same(stateless, call(3, 'ispw_nope', {}), headers25(), 'fast');
    expect(errorOf(unknown)?.code).toBe(-32602);
    await same(stateless, call(4, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }), without(headers25(), 'mcp-protocol-version'), 'fast');
    await same(stateless, call(5, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }), headers25({ 'mcp-protocol-version': '2025-06-18' }), 'fast');
    await same(
      stateless,
      call(6, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
      headers25(),
      'fast',
    );
  });

  it('leaves Accept variants, unknown versions, progress, reserved _meta and malformed bodies to the SDK', async () => {
    const args = { assignment_id: DEMO.assignmentId };
    expect((await same(stateless, call(10, 'ispw_get_assignment', args), headers25({ accept: 'application/json' }), 'sdk')).status).toBe(406);
    expect((await same(stateless, call(11, 'ispw_get_assignment', args), without(headers25(), 'accept'), 'sdk')).status).toBe(406);
    expect((await same(stateless, call(12, 'ispw_get_assignment', args), headers25({ 'mcp-protocol-version': '1999-01-01' }), 'sdk')).status).toBe(400);
    await same(stateless, call(13, 'ispw_get_assignment', args, { 'io.modelcontextprotocol/clientInfo': { name: 'x', version: '1' } }), headers25(), 'sdk');
    await same(stateless, '{not json', headers25(), 'sdk');
    await same(stateless, [call(14, 'ispw_get_assignment', args)], headers25(), 'sdk');
    await same(stateless, { jsonrpc: '2.0', id: 15, method: 'tools/list' }, headers25(), 'sdk');
    const progress = await same(
      stateless,
      call(16, 'ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', wait_seconds: 5 }, { progressToken: 16 }),
      headers25(),
      'sdk',
    );
    expect(progress.messages[0]).toMatchObject({ method: 'notifications/progress', params: { progressToken: 16 } });
  });

  it('never answers 2025 traffic of a sessions-mode server (the 2026 era still is)', async () => {
    const args = { assignment_id: DEMO.assignmentId };
    const e = await same(stateful, call(20, 'ispw_get_assignment', args), headers25(), 'sdk');
    expect(e.status).toBe(400);
    await same(stateful, call26(21, 'ispw_get_assignment', args), headers26('ispw_get_assignment'), 'fast');
  });
});

describe('tools/call fast path behind OAuth', () => {
  let p: Pair;
  const token = (scope: string) => issuer.mint({ sub: 'alice', aud: AUDIENCE, scope });
  beforeAll(async () => {
    p = await pair('stateless', { ISPW_MCP_AUTH_ISSUER: issuer.issuer, ISPW_MCP_AUTH_AUDIENCE: AUDIENCE });
  });

  it('refuses missing, invalid and under-scoped tokens exactly as the SDK path (401/403)', async () => {
    const args = { assignment_id: DEMO.assignmentId };
    for (const era of ['2025', '2026'] as const) {
      const body = era === '2026' ? call26(1, 'ispw_get_assignment', args) : call(1, 'ispw_get_assignment', args);
      const h = era === '2026' ? headers26('ispw_get_assignment') : headers25();
      expect((await same(p, body, h, 'sdk')).status).toBe(401);
      expect((await same(p, body, { ...h, authorization: 'Bearer not-a-jwt' }, 'sdk')).status).toBe(401);
      const promote =
        era === '2026'
          ? call26(2, 'ispw_promote', { assignment_id: DEMO.assignmentId, level: 'DEV1' })
          : call(2, 'ispw_promote', { assignment_id: DEMO.assignmentId, level: 'DEV1' });
      const underScoped = await same(
        p,
        promote,
        { ...(era === '2026' ? headers26('ispw_promote') : h), authorization: `Bearer ${await token('ispw:read')}` },
        'sdk',
      );
      expect(underScoped.status).toBe(403);
      expect(underScoped.headers['www-authenticate']).toContain('insufficient_scope');
    }
  });

  it('answers an authorised call on the fast path, and a tool outside the token scopes as unknown', async () => {
    const read = await token('ispw:read');
    const ok = await same(
      p,
      call26(3, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }),
      { ...headers26('ispw_get_assignment'), authorization: `Bearer ${read}` },
      'fast',
    );
    expect(resultOf(ok)?.isError).toBeFalsy();
    await same(p, call(4, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }), { ...headers25(), authorization: `Bearer ${read}` }, 'fast');
    // A token without ispw:read may not call a read tool: the gate's 403, on both paths.
    const none = await token('ispw:write');
    const hidden = await same(
      p,
      call26(5, 'ispw_get_assignment', { assignment_id: DEMO.assignmentId }),
      { ...headers26('ispw_get_assignment'), authorization: `Bearer ${none}` },
      'sdk',
    );
    expect(hidden.status).toBe(403);
  });
});
