// 2025-era sessions under an `initialize` flood (issue 17, defect 7), on a real listener on loopback.
// A caller (authenticated subject, else client address) holds at most its own cap of sessions, below
// the global one: a flood from one caller closes only its own least recently used sessions, and the
// idle session of another caller survives (before, the global LRU closed it). A caller may open only
// so many sessions per minute: beyond it 429 with Retry-After, other callers unaffected. Distinct
// callers without authentication are distinct loopback source addresses (127.0.0.2, 127.0.0.3, …).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { CES_TOKEN, rawRequest, startListener, type TestListener } from './support.js';

const AUDIENCE = 'https://ispw-mcp.test/mcp';
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'flood', version: '1' } },
});
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });

let sim: RunningSimulator;
let issuer: TestIssuer;
const listeners: TestListener[] = [];

beforeAll(async () => {
  [sim, issuer] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), startIssuer()]);
});
afterAll(async () => {
  await Promise.all(listeners.map((l) => l.close()));
  await Promise.all([sim?.close(), issuer?.close()]);
});

async function listener(env: Record<string, string>): Promise<TestListener> {
  const l = await startListener(sim, { ISPW_MCP_HTTP_SESSIONS: 'stateful', ...env });
  listeners.push(l);
  return l;
}

/** Opens a session; returns its id (undefined when refused) and the answer. */
async function open(l: TestListener, from: { localAddress?: string; token?: string }) {
  const headers = { ...HEADERS, ...(from.token && { authorization: `Bearer ${from.token}` }) };
  const answer = await rawRequest(l.server.url, { headers, body: INITIALIZE, ...(from.localAddress && { localAddress: from.localAddress }) });
  const id = answer.headers['mcp-session-id'];
  return { id: typeof id === 'string' ? id : undefined, answer };
}

/** Whether a session still answers tools/list. */
async function alive(l: TestListener, id: string, from: { localAddress?: string; token?: string }): Promise<boolean> {
  const headers = { ...HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25', ...(from.token && { authorization: `Bearer ${from.token}` }) };
  const answer = await rawRequest(l.server.url, { headers, body: LIST, ...(from.localAddress && { localAddress: from.localAddress }) });
  if (answer.status === 404) return false;
  expect(answer.status, answer.body).toBe(200);
  return true;
}

describe('per-caller session cap', () => {
  it('a flood of initialize from one address closes only its own sessions', async () => {
    const l = await listener({ ISPW_MCP_MAX_SESSIONS: '5', ISPW_MCP_MAX_SESSIONS_PER_CALLER: '3', ISPW_MCP_SESSIONS_PER_MINUTE: '0' });
    const alice = { localAddress: '127.0.0.2' };
    const mallory = { localAddress: '127.0.0.3' };
    const kept = (await open(l, alice)).id!;
    const flood: string[] = [];
    for (let i = 0; i < 12; i++) flood.push((await open(l, mallory)).id!);
    expect(await alive(l, kept, alice)).toBe(true);
    // Mallory keeps its three most recent sessions; the older ones were closed.
    const survivors = [];
    for (const id of flood) if (await alive(l, id, mallory)) survivors.push(id);
    expect(survivors).toEqual(flood.slice(-3));
    await l.logged((line) => line.msg === "caller's session cap reached; closing its least recently used session" && line.caller === 'address:127.0.0.3');
    expect(l.lines.some((line) => line.msg === 'session cap reached; closing the least recently used session')).toBe(false);
  });

  it('counts authenticated callers by subject, whatever their address', async () => {
    const l = await listener({
      ISPW_MCP_MAX_SESSIONS: '5',
      ISPW_MCP_MAX_SESSIONS_PER_CALLER: '2',
      ISPW_MCP_SESSIONS_PER_MINUTE: '0',
      ISPW_MCP_AUTH_ISSUER: issuer.issuer,
      ISPW_MCP_AUTH_AUDIENCE: AUDIENCE,
    });
    const alice = { token: await issuer.mint({ sub: 'alice', aud: AUDIENCE, scope: 'ispw:read' }) };
    const mallory = { token: await issuer.mint({ sub: 'mallory', aud: AUDIENCE, scope: 'ispw:read' }) };
    const kept = (await open(l, alice)).id!;
    for (let i = 0; i < 10; i++) expect((await open(l, mallory)).answer.status).toBe(200);
    expect(await alive(l, kept, alice)).toBe(true);
  });

  it('the global cap still closes the least recently used session when many callers fill it', async () => {
    const l = await listener({ ISPW_MCP_MAX_SESSIONS: '3', ISPW_MCP_MAX_SESSIONS_PER_CALLER: '2', ISPW_MCP_SESSIONS_PER_MINUTE: '0' });
    const first = (await open(l, { localAddress: '127.0.0.4' })).id!;
    for (const address of ['127.0.0.5', '127.0.0.6', '127.0.0.7']) await open(l, { localAddress: address });
    expect(await alive(l, first, { localAddress: '127.0.0.4' })).toBe(false);
  });
});

describe('initialize rate limit', () => {
  it('refuses a caller past its sessions per minute with 429 and Retry-After; others go on', async () => {
    const l = await listener({ ISPW_MCP_SESSIONS_PER_MINUTE: '2' });
    const busy = { localAddress: '127.0.0.8' };
    expect((await open(l, busy)).id).toBeDefined();
    expect((await open(l, busy)).id).toBeDefined();
    const refused = await open(l, busy);
    expect(refused.answer.status).toBe(429);
    expect(Number(refused.answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused.answer.body)).toMatchObject({
      error: { code: -32000, message: expect.stringContaining('a caller may open 2 sessions per minute') },
    });
    expect((await open(l, { localAddress: '127.0.0.9' })).id).toBeDefined();
  });
});
