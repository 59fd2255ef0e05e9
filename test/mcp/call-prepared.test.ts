// What the call pipeline prepares once instead of per call (issue #7, docs/performance.md "call
// pipeline") must behave exactly like what it replaced: the directory's cached targets, the
// bulkhead-limited twin of a cached target, and the call's child logger built lazily from the call's
// own fields (same bindings as before, a fresh child and correlation id for every call).
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CesDirectory, CesTarget } from '../../src/ces/api.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { ops } from '../../src/ces/operations.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { createCesConcurrency, LimitError } from '../../src/policy/limits.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { CANARY_TOKEN } from '../support/canary.js';

let sim: RunningSimulator;
let directory: CesDirectory;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [CANARY_TOKEN], stepMs: 0 });
  directory = createCesDirectory(
    { instances: [{ name: 'sim', url: sim.url, srids: sim.srids, token: () => CANARY_TOKEN, runtimeConfig: DEMO.runtimeConfig, timeoutMs: 5000, retries: 0 }] },
    { logger: silentLogger() },
  );
});

afterAll(async () => {
  await directory?.close();
  await sim?.close();
});

describe('directory targets', () => {
  it('are built once per configured SRID, frozen, and call CES with their own SRID', async () => {
    const srid = sim.srids[0]!;
    const target = directory.resolve(srid);
    expect(directory.resolve(srid)).toBe(target);
    expect(directory.resolve(srid.toLowerCase())).toBe(target);
    expect(directory.resolve(undefined)).toBe(directory.resolve(''));
    expect(Object.isFrozen(target)).toBe(true);
    expect(() => Object.assign(target, { srid: 'OTHER' })).toThrow(TypeError);
    expect({ instance: target.instance, srid: target.srid, runtimeConfig: target.runtimeConfig }).toEqual({
      instance: 'sim',
      srid,
      runtimeConfig: DEMO.runtimeConfig,
    });
    const info = await target.call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } });
    expect(info.assignmentId).toBe(DEMO.assignmentId);
    expect(sim.requests.at(-1)?.path).toContain(`/ispw/${srid}/assignments/${DEMO.assignmentId}`);
  });
});

describe('the CES bulkhead', () => {
  it('wraps a cached target once and still limits every call through it', async () => {
    const concurrency = createCesConcurrency(1, 0);
    const target = directory.resolve(undefined);
    const limited = concurrency.limit(target);
    expect(concurrency.limit(target)).toBe(limited);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const slow: CesTarget = Object.freeze({ ...target, call: async () => blocked as never });
    const slowLimited = concurrency.limit(slow);
    const first = slowLimited.call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } });
    // Same instance, same bulkhead: the second concurrent request through the cached twin is refused.
    await expect(concurrency.limit(target).call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })).rejects.toBeInstanceOf(LimitError);
    release();
    await first;
    await expect(limited.call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })).resolves.toMatchObject({ assignmentId: DEMO.assignmentId });
  });

  it('wraps a per-call (unfrozen) target afresh', () => {
    const concurrency = createCesConcurrency(2);
    const perCall: CesTarget = { ...directory.resolve(undefined) };
    expect(concurrency.limit(perCall)).not.toBe(concurrency.limit(perCall));
  });
});

describe("a call's child logger", () => {
  it('carries the same bindings as before, with a new correlation id per call', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const server = createServerFactory({ tools: ALL_TOOLS, directory, logger, wait: { pollIntervalMs: 20, maxWaitSeconds: 5 } })();
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'logger-test', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const call = async (args: Record<string, unknown>) => await client.callTool({ name: 'ispw_get_assignment', arguments: args });
      expect((await call({ assignment_id: DEMO.assignmentId })).isError).toBeFalsy();
      expect(lines).toEqual([]); // a successful call at info logs nothing
      expect((await call({ assignment_id: 'NOSUCH01' })).isError).toBe(true);
      expect((await call({ assignment_id: 'NOSUCH02' })).isError).toBe(true);
      expect((await call({ assignment_id: DEMO.assignmentId, srid: 'UNKNOWN' })).isError).toBe(true);
      const failed = lines.filter((l) => l.msg === 'tool call failed at CES');
      expect(failed).toHaveLength(3);
      const [a, b, c] = failed;
      for (const line of [a, b]) {
        expect(line).toMatchObject({ mcpMethod: 'tools/call', tool: 'ispw_get_assignment', cesInstance: 'sim', srid: sim.srids[0], code: 'ces_not_found' });
        expect(line!.correlationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(line).not.toHaveProperty('sessionId');
        expect(line).not.toHaveProperty('traceId');
      }
      expect(a!.correlationId).not.toBe(b!.correlationId);
      // Refused before a target was resolved: the call's logger without the CES fields.
      expect(c).toMatchObject({ mcpMethod: 'tools/call', tool: 'ispw_get_assignment', code: 'ces_input' });
      expect(c).not.toHaveProperty('cesInstance');
    } finally {
      await client.close();
      await server.close();
    }
  });
});
