// The three kinds of caller the load generator drives: a plain HTTP GET to the simulator (the
// limit), SDK clients over Streamable HTTP (one client per worker, either era) and one SDK client
// over stdio shared by all workers (a stdio server has exactly one connection).
import http from 'node:http';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import type { Call } from './load.js';
import type { Simulator } from './processes.js';

export type Era = '2025' | '2026';

export interface Callers {
  calls: Call[];
  close(): Promise<void>;
}

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

const clientOptions = (era: Era) => (era === '2026' ? { versionNegotiation: { mode: { pin: '2026-07-28' as const } } } : {});
const newClient = (era: Era) => new Client({ name: 'ispw-mcp-bench', version: '1.0.0' }, clientOptions(era));

/** The CES call ispw_get_assignment makes, straight to the simulator. */
export function directCallers(sim: Simulator, assignmentId: string, concurrency: number): Callers {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = `${sim.url}/ispw/${encodeURIComponent(sim.srid)}/assignments/${encodeURIComponent(assignmentId)}`;
  const get: Call = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(url, { agent, headers: { authorization: sim.token, accept: 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`simulator answered HTTP ${res.statusCode}`));
            JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
        })
        .on('error', reject);
    });
  return { calls: Array.from({ length: concurrency }, () => get), close: async () => agent.destroy() };
}

const toolCall =
  (client: Client, tool: ToolCall): Call =>
  async () => {
    const result = await client.callTool(tool);
    if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content).slice(0, 300)}`);
  };

export async function httpCallers(url: string, era: Era, tool: ToolCall, concurrency: number): Promise<Callers> {
  const connected = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = newClient(era);
      const transport = new StreamableHTTPClientTransport(new URL(url));
      await client.connect(transport);
      return { client, transport };
    }),
  );
  return {
    calls: connected.map(({ client }) => toolCall(client, tool)),
    close: async () => {
      await Promise.all(
        connected.map(async ({ client, transport }) => {
          await transport.terminateSession().catch(() => {});
          await client.close();
        }),
      );
    },
  };
}

export interface StdioConnection {
  client: Client;
  pid: number;
  /** Milliseconds from spawning the process to the answer of the first `tools/list`. */
  startupMs: number;
  callers(tool: ToolCall, concurrency: number): Callers;
  close(): Promise<void>;
}

/** Spawns a stdio server and times spawn → initialize → first `tools/list` answer. */
export async function connectStdio(command: string, args: string[], env: Record<string, string>, era: Era = '2025'): Promise<StdioConnection> {
  const client = newClient(era);
  const transport = new StdioClientTransport({ command, args, env, stderr: 'ignore' });
  const started = performance.now();
  await client.connect(transport);
  await client.listTools();
  const startupMs = Math.round((performance.now() - started) * 10) / 10;
  const pid = transport.pid;
  if (!pid) throw new Error('the stdio server has no pid');
  return {
    client,
    pid,
    startupMs,
    callers: (tool, concurrency) => ({ calls: Array.from({ length: concurrency }, () => toolCall(client, tool)), close: async () => {} }),
    close: () => client.close(),
  };
}
