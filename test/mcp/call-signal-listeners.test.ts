// The call wrapper links every call's signal to the server's shutdown signal, which lives as long as
// the process. The link must be released when the call ends, whatever the outcome: otherwise each
// call leaves an abort listener (and the call state it closes over) on that signal, a leak that
// grows with every call served (the soak's heap snapshots, docs/performance.md, look for exactly this).
import { getEventListeners } from 'node:events';

import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CesDirectory } from '../../src/ces/api.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { CANARY_TOKEN } from '../support/canary.js';

describe('call wrapper: no listeners left on the shutdown signal', () => {
  const shutdown = new AbortController();
  let sim: RunningSimulator;
  let directory: CesDirectory;
  let client: Client;
  let close: () => Promise<void>;
  const listeners = () => getEventListeners(shutdown.signal, 'abort').length;
  const call = async (args: Record<string, unknown>, options?: { signal?: AbortSignal }) =>
    await client.callTool({ name: 'ispw_get_assignment', arguments: args }, options);

  beforeAll(async () => {
    sim = await startSimulator({ tokens: [CANARY_TOKEN], stepMs: 0 });
    directory = createCesDirectory(
      {
        instances: [
          {
            name: 'sim',
            url: sim.url,
            srids: sim.srids,
            token: () => CANARY_TOKEN,
            runtimeConfig: DEMO.runtimeConfig,
            timeoutMs: 5000,
            retries: 1,
            retryBaseDelayMs: 1,
            retryMaxDelayMs: 5,
          },
        ],
      },
      { logger: silentLogger() },
    );
    const server = createServerFactory({
      tools: ALL_TOOLS,
      directory,
      logger: silentLogger(),
      wait: { pollIntervalMs: 20, maxWaitSeconds: 5 },
      shutdownSignal: shutdown.signal,
    })();
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'listener-test', version: '1.0.0' });
    await client.connect(clientSide);
    close = async () => {
      await client.close();
      await server.close();
    };
  });

  afterAll(async () => {
    await close?.();
    await directory?.close();
    await sim?.close();
  });

  it('holds none after calls that succeed, fail in CES, name an unknown srid or are cancelled', async () => {
    expect(listeners()).toBe(0);
    for (let i = 0; i < 20; i++) {
      expect((await call({ assignment_id: DEMO.assignmentId })).isError, 'success').toBeFalsy();
      expect((await call({ assignment_id: 'NOSUCH01' })).isError, 'CES 404').toBe(true);
      expect((await call({ assignment_id: DEMO.assignmentId, srid: 'UNKNOWN' })).isError, 'unknown srid').toBe(true);
    }
    sim.setFaults([{ kind: 'error', status: 500, count: 4 }]);
    for (let i = 0; i < 2; i++) expect((await call({ assignment_id: DEMO.assignmentId })).isError, 'CES 500 after a retry').toBe(true);

    // A call cancelled while its CES request is under way ends through the abort path.
    sim.setFaults([{ kind: 'latency', ms: 3000, count: 1 }]);
    const cancel = new AbortController();
    sim.clearRequests();
    const cancelled = call({ assignment_id: DEMO.assignmentId }, { signal: cancel.signal });
    await expect.poll(() => sim.requests.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(listeners(), 'a call in flight holds exactly its own link').toBe(1);
    cancel.abort(new Error('caller gave up'));
    await expect(cancelled).rejects.toThrow();
    await expect.poll(listeners).toBe(0);
    sim.setFaults([]);
  });
});
