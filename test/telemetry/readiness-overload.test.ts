// CES answering 429 is overload, not unreadiness: every replica sees the same CES, so /readyz stays
// 200 (`degraded`, probe status `overloaded`) and calls are shed with a retry-after instead of every
// replica leaving the load balancer at once. Unreachable CES and a rejected token still make the
// replica not ready. Real simulator, real client, readiness as /readyz serves it, and one end-to-end
// check over a server process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { cesObserver } from '../../src/telemetry/ces-observer.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { Readiness } from '../../src/telemetry/readiness.js';
import { serverEnv, startServerProcess } from '../support/server-process.js';

const TOKEN = 'overload-4e8a0b1c-77d2';
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => sim?.close());

function setup(url = sim.url, token = TOKEN, retries = 2) {
  const metrics = new Metrics();
  const directory = createCesDirectory(
    { instances: [{ name: 'main', url, srids: sim.srids, token: () => token, timeoutMs: 5000, retries, retryBaseDelayMs: 5 }] },
    { observer: cesObserver(metrics, undefined) },
  );
  const readiness = new Readiness({ directory, isDraining: () => false, cacheMs: 0, logger: silentLogger(), metrics });
  return { directory, readiness, metrics };
}

const PROBE = '/containers/list';

describe('readiness when CES rate-limits', () => {
  it('stays ready (degraded, overloaded) on a 429 with a long Retry-After, without waiting it out', async () => {
    const { directory, readiness } = setup();
    try {
      // A retrying probe would wait 20 s for the Retry-After and time out (5 s): not ready.
      sim.setFaults([{ kind: 'rateLimit', retryAfterSeconds: 20, path: PROBE }]);
      const report = await readiness.check();
      expect(report).toMatchObject({ ready: true, status: 'degraded', checks: { ces: [{ instance: 'main', status: 'overloaded' }] } });
      expect(sim.requests.filter((r) => r.path.endsWith(PROBE))).toHaveLength(1);
      sim.setFaults([]);
    } finally {
      sim.setFaults([]);
      await directory.close();
    }
  });

  it('sheds new calls while the Retry-After lasts: they fail at once with the time left, CES sees none of them', async () => {
    const { directory, readiness, metrics } = setup(sim.url, TOKEN, 0);
    try {
      const target = directory.resolve();
      sim.setFaults([{ kind: 'rateLimit', retryAfterSeconds: 30, path: '/assignments/', count: 1 }]);
      const first = await target.call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } }).catch((e: unknown) => e);
      expect(first).toMatchObject({ code: 'ces_rate_limited', details: { retryAfterSeconds: 30 } });
      sim.setFaults([]);
      sim.clearRequests();
      const shed = (await target.call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } }).catch((e: unknown) => e)) as CesError;
      expect(shed).toBeInstanceOf(CesError);
      expect(shed.code).toBe('ces_rate_limited');
      expect(shed.message).toMatch(/overloaded.*not sent/);
      expect(shed.details.retryAfterSeconds).toBeGreaterThan(0);
      expect(shed.details.retryAfterSeconds).toBeLessThanOrEqual(30);
      // The readiness probe is shed too — no request — and the replica stays ready.
      expect(await readiness.check()).toMatchObject({ ready: true, status: 'degraded', checks: { ces: [{ status: 'overloaded' }] } });
      expect(sim.requests).toHaveLength(0);
      expect(await metrics.render()).toMatch(/ispw_mcp_rate_limited_total\{source="shed"\} 2/);
    } finally {
      await directory.close();
    }
  });

  it('a rejected token and an unreachable CES still make the replica not ready', async () => {
    const rejected = setup(sim.url, 'not-the-token');
    const unreachable = setup('http://127.0.0.1:1');
    try {
      expect(await rejected.readiness.check()).toMatchObject({ ready: false, status: 'not_ready', checks: { ces: [{ status: 'token_rejected' }] } });
      expect(await unreachable.readiness.check()).toMatchObject({ ready: false, status: 'not_ready', checks: { ces: [{ status: 'unreachable' }] } });
    } finally {
      await rejected.directory.close();
      await unreachable.directory.close();
    }
  });

  it('/readyz of a server process answers 200 while CES answers 429', async () => {
    const server = await startServerProcess(
      ['serve', '--transport', 'http', '--port', '0'],
      serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN, ISPW_MCP_READY_CACHE_SECONDS: '0' }),
    );
    try {
      sim.setFaults([{ kind: 'rateLimit', retryAfterSeconds: 15, path: PROBE }]);
      const reply = await fetch(new URL('/readyz', server.url));
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ ready: true, status: 'degraded', checks: { ces: [{ status: 'overloaded' }] } });
    } finally {
      sim.setFaults([]);
      expect(await server.stop()).toBe(0);
    }
  });
});
