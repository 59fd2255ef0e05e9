// Results that tell the truth (docs/ces-fidelity.md, items 1–4), end to end: the built server over
// stdio (2025 era) and Streamable HTTP (2026 era) against a simulator that behaves like real CES where
// a naive client is fooled — set actions that show late, sets that wait for a lock, sets that close
// although tasks failed, deploy sets that close before their deployment ends, await endpoints slower
// than the normal request timeout.
import type { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator, type SetRealism } from '../../simulator/index.js';
import { connectHttp, connectStdio } from '../support/clients.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'canary-outcomes-5e1d9a07-c3b2';
const STEP_MS = 400;
const REALISM: Partial<SetRealism> = { actionLagMs: 600, closeWithFailures: true, waitForLock: true };

type Connect = (sim: RunningSimulator, env?: Record<string, string>) => Promise<{ client: Client; close: () => Promise<void> }>;

const servers: ServerProcess[] = [];
const env = (sim: RunningSimulator, extra: Record<string, string> = {}) =>
  serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN, ISPW_MCP_POLL_INTERVAL_MS: '100', ...extra });

const TRANSPORTS: [string, Connect][] = [
  [
    'stdio, 2025 era',
    async (sim, extra) => {
      const { client } = await connectStdio(env(sim, extra), '2025');
      return { client, close: () => client.close() };
    },
  ],
  [
    'HTTP, 2026 era',
    async (sim, extra) => {
      const srv = await startServerProcess(['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'], env(sim, extra));
      servers.push(srv);
      const { client } = await connectHttp(srv.url, '2026');
      return { client, close: () => client.close() };
    },
  ],
];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe.each(TRANSPORTS)('outcomes over %s', (_name, connect) => {
  let sim: RunningSimulator;
  let client: Client;
  let close: () => Promise<void>;
  const call = async (name: string, args: Record<string, unknown>) => await client.callTool({ name, arguments: args });

  beforeAll(async () => {
    sim = await startSimulator({ tokens: [TOKEN], stepMs: STEP_MS, realism: REALISM });
    ({ client, close } = await connect(sim));
  });
  afterAll(async () => {
    await close?.();
    await sim?.close();
  });

  it('a generate set that waits for a lock is followed to its end, not reported as released', async () => {
    const r = await call('ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', wait_seconds: 30 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
  });

  it('a generate set that closes with a task that did not generate is a partial failure, an error naming the task', async () => {
    const r = await call('ispw_generate', { container_type: 'assignment', container_id: DEMO.failingAssignmentId, level: 'DEV1', wait_seconds: 30 });
    expect(r.isError, textOf(r)).toBe(true);
    expect(r.structuredContent).toMatchObject({
      state: 'Closed',
      outcome: 'partially_failed',
      failedTasks: [{ taskId: DEMO.failingTaskId, moduleName: 'TPROG25', moduleType: 'COB' }],
    });
    expect(textOf(r)).toMatch(/PARTIALLY FAILED[\s\S]*TPROG25 COB task 7E3A5D04E6A5: not generated/);
  });

  it('a deploy set that closes while its deployment fails is a failure, with the deployment request', async () => {
    const r = await call('ispw_deploy', { container_type: 'assignment', container_id: DEMO.failingDeployAssignmentId, level: 'QA', wait_seconds: 30 });
    expect(r.isError, textOf(r)).toBe(true);
    expect(r.structuredContent).toMatchObject({ state: 'Closed', outcome: 'failed', deployments: [{ status: 'Failed' }] });
    expect(textOf(r)).toContain('its deployment failed');
  });

  it('a promote into a level that needs approval ends waiting for approval, with the hint, not as an error', async () => {
    const r = await call('ispw_promote', { container_type: 'assignment', container_id: DEMO.approvalAssignmentId, level: 'STG', wait_seconds: 30 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ state: 'Waiting-Approval', outcome: 'waiting_approval' });
    expect(textOf(r)).toContain('ispw_set_action with action approve');
  });

  it('after approve, the Waiting-Approval CES still shows is not the outcome: the wait follows the set to its end', async () => {
    const r = await call('ispw_set_action', { set_id: DEMO.sets.waitingApproval, action: 'approve', approver: 'USER09', wait_seconds: 30 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ action: 'approve', state: 'Closed', outcome: 'succeeded' });
    // The approved set is a production deploy: its deployment request was read after it closed.
    expect((r.structuredContent as { deployments?: unknown[] }).deployments?.length).toBeGreaterThan(0);
  });

  it('CES creating no set is a failed call that says nothing was changed', async () => {
    const r = await call('ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'PRD' });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ outcome: 'no_set' });
  });
});

describe.each(TRANSPORTS)('deployments and awaits over %s', (_name, connect) => {
  it('a deploy set that closes while its deployment is still under way is reported as deployment_pending, not success', async () => {
    const sim = await startSimulator({ tokens: [TOKEN], stepMs: 100, realism: { deploymentStepMs: 600_000 } });
    const { client, close } = await connect(sim);
    try {
      const r = await client.callTool({
        name: 'ispw_deploy',
        arguments: { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'QA', wait_seconds: 3 },
      });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ state: 'Closed', outcome: 'deployment_pending', deployments: [{ status: 'Pending' }] });
      expect(textOf(r)).toContain('its deployment is not finished');
    } finally {
      await close();
      await sim.close();
    }
  });

  it('an awaited generate slower than the CES request timeout is waited for, within wait_seconds', async () => {
    // The set takes 2 × 700 ms; the instance's request timeout is 1 s.
    const sim = await startSimulator({ tokens: [TOKEN], stepMs: 700 });
    const { client, close } = await connect(sim, { ISPW_MCP_CES_TIMEOUT_SECONDS: '1' });
    try {
      const args = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', task_ids: [DEMO.taskIds.TPROG01], await_in_ces: true };
      const r = await client.callTool({ name: 'ispw_generate', arguments: { ...args, wait_seconds: 20 } });
      expect(r.isError, textOf(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ outcome: 'succeeded', succeededCount: 1, failedCount: 0 });

      // A wait shorter than the work: the answer says the work goes on and not to repeat the call.
      const cut = await client.callTool({ name: 'ispw_generate', arguments: { ...args, wait_seconds: 1 } });
      expect(cut.isError, textOf(cut)).toBeFalsy();
      expect(cut.structuredContent).toMatchObject({ outcome: 'running' });
      expect(textOf(cut)).toMatch(/carries on in CES[\s\S]*Do not repeat the call/);
      expect(sim.requests.filter((q) => q.path.endsWith('/taskIds/generate-await'))).toHaveLength(2);
    } finally {
      await close();
      await sim.close();
    }
  });
});
