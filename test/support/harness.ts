// Tool-test harness: the real CES simulator on loopback, a CES directory pointing at it, the MCP
// server built from the tool registry, and an SDK client connected in memory. Tests speak MCP to
// the server and inspect what reached "CES" through `sim.requests`.
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, type CallToolResult, type Server as SdkServer } from '@modelcontextprotocol/server';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CesDirectory } from '../../src/ces/api.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import type { CesObserver } from '../../src/ces/observer.js';
import type { AnyToolDef } from '../../src/mcp/kit/define-tool.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { CANARY_TOKEN } from './canary.js';

/** The suite-wide canary token (support/canary.ts), so any test may check it never leaks. */
export const TEST_TOKEN = CANARY_TOKEN;

export interface HarnessOptions {
  tools?: readonly AnyToolDef[];
  /** Duration of each running set state in the simulator (default 0: sets finish on the next read). */
  stepMs?: number;
  /** Runtime configuration configured for the CES instance (default DEMO.runtimeConfig). */
  runtimeConfig?: string;
  pollIntervalMs?: number;
  /** Watches every CES request the tools make (operation ids, statuses). */
  observer?: CesObserver;
}

export interface Harness {
  client: Client;
  sim: RunningSimulator;
  directory: CesDirectory;
  server: SdkServer;
  /** Calls a tool and returns its result (tool errors come back as `isError`, never thrown). */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSimulator({ tokens: [TEST_TOKEN], stepMs: options.stepMs ?? 0 });
  const directory = createCesDirectory(
    {
      instances: [
        {
          name: 'sim',
          url: sim.url,
          srids: sim.srids,
          token: () => TEST_TOKEN,
          runtimeConfig: options.runtimeConfig ?? DEMO.runtimeConfig,
          timeoutMs: 5000,
          retries: 1,
          retryBaseDelayMs: 1,
          retryMaxDelayMs: 5,
        },
      ],
    },
    { logger: silentLogger(), ...(options.observer ? { observer: options.observer } : {}) },
  );
  const server = createServerFactory({
    tools: options.tools ?? ALL_TOOLS,
    directory,
    logger: silentLogger(),
    wait: { pollIntervalMs: options.pollIntervalMs ?? 20, maxWaitSeconds: 60 },
  })();
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'ispw-mcp-tools-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    client,
    sim,
    directory,
    server,
    call: async (name, args = {}) => await client.callTool({ name, arguments: args }),
    async close() {
      await client.close();
      await server.close();
      await directory.close();
      await sim.close();
    },
  };
}

/** The text of a tool result's first content block. */
export const textOf = (result: CallToolResult): string => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** The requests that reached the simulator under /ispw/{srid}, without the prefix, in order. */
export function cesRequests(sim: RunningSimulator) {
  return sim.requests.filter((r) => r.path.startsWith('/ispw/')).map((r) => ({ ...r, path: r.path.replace(/^\/ispw\/[^/]+/, '') }));
}

/** The last request whose path (without /ispw/{srid}) matches. */
export function lastRequest(sim: RunningSimulator, method: string, path: string | RegExp) {
  const matches = cesRequests(sim).filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  return matches.at(-1);
}
