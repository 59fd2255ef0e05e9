// CES callbacks end to end (src/mcp/kit/set-callbacks.ts, docs/performance.md "CES callbacks"): the
// built server over Streamable HTTP asks the simulator, in a waiting generate's `events`, to call it
// back; the simulator calls when the set ends, through a round-robin proxy in front of two replicas
// (a load balancer without affinity, as a Service in front of a Deployment). The fallback interval
// and the longest interval are a minute and the back-off ×10, so after the first poll (2 s) the next
// would come at 22 s, and the waits are 15 s: a wait that was not woken reads the set once more only
// when its budget ends, so `waitedSeconds` below the budget proves the callback, by many seconds.
import type { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectHttp } from '../support/clients.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'canary-callbacks-4b1e77d2-90aa';
const GENERATE = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', wait_seconds: 15 };

const SHORT_FALLBACK = { ISPW_MCP_CES_CALLBACK_MAX_POLL_INTERVAL_MS: '3000', ISPW_MCP_MAX_POLL_INTERVAL_MS: '3000', ISPW_MCP_POLL_BACKOFF: '1.5' };

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const waited = (r: CallToolResult) => (r.structuredContent as { waitedSeconds: number }).waitedSeconds;
const baseOf = (mcpUrl: string) => mcpUrl.replace(/\/mcp$/, '');

interface Replicas {
  sim: RunningSimulator;
  proxy: RoundRobinProxy;
  servers: ServerProcess[];
  client: Client;
  close(): Promise<void>;
}

/** The simulator, `count` replicas whose callback URL is the proxy, and a client on the first replica. */
async function startReplicas(count: number, stepMs: number, extra: Record<string, string> = {}, send = true): Promise<Replicas> {
  const sim = await startSimulator({ tokens: [TOKEN], stepMs, callbacks: { send } });
  const backends: string[] = [];
  const proxy = await startRoundRobinProxy(backends);
  const env = serverEnv({
    ISPW_MCP_CES_URL: sim.url,
    ISPW_MCP_SRID: sim.srids[0]!,
    ISPW_MCP_CES_TOKEN: TOKEN,
    ISPW_MCP_CES_CALLBACK_URL: baseOf(proxy.url),
    ISPW_MCP_CES_CALLBACK_MAX_POLL_INTERVAL_MS: '60000',
    ISPW_MCP_MAX_POLL_INTERVAL_MS: '60000',
    ISPW_MCP_POLL_BACKOFF: '10',
    ...extra,
  });
  for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = await startServerProcess(['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'], env);
      servers.push(server);
      backends.push(baseOf(server.url));
    }
    const { client } = await connectHttp(servers[0]!.url, '2026');
    return {
      sim,
      proxy,
      servers,
      client,
      close: async () => {
        await client.close();
        await Promise.all(servers.map((s) => s.stop()));
        await proxy.close();
        await sim.close();
      },
    };
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    await proxy.close();
    await sim.close();
    throw error;
  }
}

/** The simulator records a callback's answer after the receiver sent it: wait for that (bounded). */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check() && Date.now() < end;) await new Promise((resolve) => setTimeout(resolve, 20));
}

const setPolls = (sim: RunningSimulator, setId: string) => sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/sets/${setId}`)).length;
const callbackUrlOf = (sim: RunningSimulator) => {
  const post = sim.requests.findLast((r) => r.method === 'POST' && r.path.includes('/tasks/generate'));
  return (post?.body as { events?: { url: string }[] } | undefined)?.events?.[0]?.url;
};

describe('CES callbacks wake set waits', () => {
  let r: Replicas;
  beforeAll(async () => {
    r = await startReplicas(1, 1_500);
  });
  afterAll(async () => await r?.close());

  it('asks CES to call back when the set ends, and answers once it does, long before the fallback poll', async () => {
    const result = await r.client.callTool({ name: 'ispw_generate', arguments: GENERATE });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
    expect(waited(result)).toBeLessThan(GENERATE.wait_seconds);
    const setId = (result.structuredContent as { setId: string }).setId;

    // The request named the completed, failed and terminated events, at this replica's callback path.
    const post = r.sim.requests.findLast((q) => q.method === 'POST' && q.path.includes('/tasks/generate'))!;
    const events = (post.body as { events: { name: string; url: string; method: string }[] }).events;
    expect(events.map((e) => e.name)).toEqual(['completed', 'failed', 'terminated']);
    expect(events[0]!.url).toMatch(new RegExp(`^${baseOf(r.proxy.url)}/ces-events/[A-Za-z0-9_-]{22}$`));
    // CES called once (the completed event), this replica woke the wait: one poll while the set ran
    // (none if the machine was too slow to poll before the end), one after the callback.
    await eventually(() => r.sim.callbacks.every((c) => c.status !== undefined));
    expect(r.sim.callbacks.filter((c) => c.setId === setId)).toEqual([expect.objectContaining({ event: 'completed', status: 202 })]);
    expect(setPolls(r.sim, setId)).toBeLessThanOrEqual(2);
  });

  it('a failing set calls back with its failed event, and the failure is reported as one', async () => {
    const result = await r.client.callTool({
      name: 'ispw_generate',
      arguments: { ...GENERATE, container_id: DEMO.failingAssignmentId },
    });
    expect(result.isError, textOf(result)).toBe(true);
    expect(result.structuredContent).toMatchObject({ outcome: 'failed' });
    expect(waited(result)).toBeLessThan(GENERATE.wait_seconds);
    const setId = (result.structuredContent as { setId: string }).setId;
    await eventually(() => r.sim.callbacks.every((c) => c.status !== undefined));
    expect(r.sim.callbacks.filter((c) => c.setId === setId)).toEqual([expect.objectContaining({ event: 'failed', status: 202 })]);
  });

  it('a callback only makes the wait read CES: an early or forged one does not end it', async () => {
    const slow = await startReplicas(1, 4_000);
    try {
      const running = slow.client.callTool({ name: 'ispw_generate', arguments: GENERATE }) as Promise<CallToolResult>;
      let url: string | undefined;
      for (let i = 0; i < 100 && !url; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        url = callbackUrlOf(slow.sim);
      }
      expect(url).toBeDefined();
      // Sent at once, while the set is still Dispatched: the wait reads the set and goes on.
      const forged = await fetch(url!, { method: 'POST', body: '{"result":"completed"}' });
      expect(forged.status).toBe(202);
      const result = await running;
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
      expect(waited(result)).toBeLessThan(GENERATE.wait_seconds);
      const setId = (result.structuredContent as { setId: string }).setId;
      // The forged callback's read (it cut the first interval short), and the read after CES's own callback.
      expect(setPolls(slow.sim, setId)).toBe(2);
      // The wait is over: its id is unknown now.
      expect((await fetch(url!, { method: 'POST' })).status).toBe(404);
    } finally {
      await slow.close();
    }
  });

  it('answers bad callback requests clearly: unknown id 404, other methods 405, oversized body 413; counts them', async () => {
    const base = baseOf(r.servers[0]!.url);
    expect((await fetch(`${base}/ces-events/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST', body: 'S000241001' })).status).toBe(404);
    const get = await fetch(`${base}/ces-events/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, PUT');
    expect((await fetch(`${base}/ces-events/AAAAAAAAAAAAAAAAAAAAAA`, { method: 'POST', body: 'x'.repeat(64 * 1024) })).status).toBe(413);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/ispw_mcp_ces_callbacks_total\{result="woken"\} [1-9]/);
    expect(metrics).toMatch(/ispw_mcp_ces_callbacks_total\{result="unknown"\} [1-9]/);
  });
});

describe('CES callbacks with several replicas, or none from CES', () => {
  it('a callback that reaches another replica is refused there, and the wait finishes by polling', async () => {
    // A short fallback interval here, so the wait that is not woken ends within its budget.
    const r = await startReplicas(2, 1_500, SHORT_FALLBACK);
    try {
      // The proxy takes turns: the first callback reaches replica 0 (the waiting one), the second replica 1.
      const first = await r.client.callTool({ name: 'ispw_generate', arguments: GENERATE });
      const second = await r.client.callTool({ name: 'ispw_generate', arguments: GENERATE });
      for (const result of [first, second]) {
        expect(result.isError, textOf(result)).toBeFalsy();
        expect(result.structuredContent).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
      }
      await eventually(() => r.sim.callbacks.every((c) => c.status !== undefined));
      expect(r.sim.callbacks.map((c) => c.status)).toEqual([202, 404]);
    } finally {
      await r.close();
    }
  });

  it('a CES that does not call back: the wait finishes by polling at the fallback interval', async () => {
    const r = await startReplicas(1, 1_500, SHORT_FALLBACK, false);
    try {
      const result = await r.client.callTool({ name: 'ispw_generate', arguments: GENERATE });
      expect(result.structuredContent).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
      expect(r.sim.callbacks).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('without a callback URL, no events are sent to CES', async () => {
    const r = await startReplicas(1, 200, { ISPW_MCP_CES_CALLBACK_URL: '' });
    try {
      const result = await r.client.callTool({ name: 'ispw_generate', arguments: { ...GENERATE, wait_seconds: 10 } });
      expect(result.structuredContent).toMatchObject({ outcome: 'succeeded' });
      expect(callbackUrlOf(r.sim)).toBeUndefined();
    } finally {
      await r.close();
    }
  });
});
