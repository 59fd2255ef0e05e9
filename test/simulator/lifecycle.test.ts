// Set and deployment lifecycles on an injected clock (docs/ces-api.md §4, §6), and the estate changes
// the operations make: promote/regress move tasks, deploy creates requests, fallback reverses them.
import { describe, expect, it, vi } from 'vitest';

import * as dto from '../../src/ces/dto/index.js';
import { DEMO } from '../../simulator/index.js';
import type { RunningSimulator } from '../../simulator/index.js';
import { call, manualClock, simulator } from './helpers.js';

const STEP = 1000;
const A = DEMO.assignmentId;

async function state(sim: RunningSimulator, setId: string): Promise<string> {
  const res = await call(sim, 'GET', `/sets/${setId}`);
  return dto.SetInfo.parse(res.json).state!;
}

async function levels(sim: RunningSimulator, assignmentId: string): Promise<string[]> {
  const res = await call(sim, 'GET', `/assignments/${assignmentId}/tasks`);
  return [...new Set<string>(res.json.tasks.map((t: { level: string }) => t.level))].sort();
}

async function clocked() {
  const clock = manualClock();
  const sim = await simulator({ stepMs: STEP, now: clock.now });
  return { sim, clock };
}

describe('set lifecycle', () => {
  it('moves Dispatched → Executing → Closed on the clock, and the promote moves tasks up', async () => {
    const { sim, clock } = await clocked();
    const res = await call(sim, 'POST', `/assignments/${A}/tasks/promote`, { query: { level: 'DEV1' } });
    const setId = res.json.setId as string;
    expect(await state(sim, setId)).toBe('Dispatched');
    clock.advance(STEP - 1);
    expect(await state(sim, setId)).toBe('Dispatched');
    clock.advance(1);
    expect(await state(sim, setId)).toBe('Executing');
    expect(await levels(sim, A)).toEqual(['DEV1']);
    clock.advance(STEP);
    expect(await state(sim, setId)).toBe('Closed');
    expect(await levels(sim, A)).toEqual(['QA']);
    const task = sim.estate.tasks.get(DEMO.taskIds.TPROG01)!;
    expect(task).toMatchObject({ level: 'QA', operation: 'P', set: setId });
  });

  it('with stepMs 0 completes on the next read', async () => {
    const sim = await simulator({ stepMs: 0 });
    const res = await call(sim, 'POST', `/assignments/${A}/tasks/generate`, { query: { level: 'DEV1' } });
    expect(sim.estate.sets.get(res.json.setId)!.state).toBe('Dispatched');
    expect(await state(sim, res.json.setId)).toBe('Closed');
    expect(sim.estate.tasks.get(DEMO.taskIds.TPROG01)!.operation).toBe('G');
  });

  it('settles long time jumps in one read', async () => {
    const { sim, clock } = await clocked();
    const res = await call(sim, 'POST', `/assignments/${A}/tasks/generate`, { query: { level: 'DEV1' } });
    clock.advance(10 * STEP);
    expect(await state(sim, res.json.setId)).toBe('Closed');
  });

  it('promotes to PRD only after approval: Waiting-Approval → approve → Executing → Closed', async () => {
    const { sim, clock } = await clocked();
    const res = await call(sim, 'POST', `/assignments/${DEMO.approvalAssignmentId}/tasks/promote`, { query: { level: 'STG' } });
    const setId = res.json.setId as string;
    clock.advance(5 * STEP);
    expect(await state(sim, setId)).toBe('Waiting-Approval');
    expect(await levels(sim, DEMO.approvalAssignmentId)).toEqual(['STG']);
    const approve = await call(sim, 'POST', `/sets/${setId}/approve`, { query: { approver: 'MGR01' }, body: { runtimeConfiguration: 'TPZP' } });
    expect(dto.SetOp.parse(approve.json)).toMatchObject({ setId, message: expect.stringMatching(/approved/) });
    expect(await state(sim, setId)).toBe('Executing');
    clock.advance(STEP);
    expect(await state(sim, setId)).toBe('Closed');
    expect(await levels(sim, DEMO.approvalAssignmentId)).toEqual(['PRD']);
  });

  it('deny ends a waiting set Terminated and leaves the tasks', async () => {
    const { sim } = await clocked();
    const res = await call(sim, 'POST', `/sets/${DEMO.sets.waitingApproval}/deny`, { query: { approver: 'MGR01' } });
    expect(res.status).toBe(200);
    expect(await state(sim, DEMO.sets.waitingApproval)).toBe('Terminated');
    expect((await call(sim, 'POST', `/sets/${DEMO.sets.waitingApproval}/approve`, { query: { approver: 'X' } })).status).toBe(409);
  });

  it('regress moves tasks back down to the level they came from', async () => {
    const sim = await simulator({ stepMs: 0 });
    const res = await call(sim, 'POST', `/assignments/${DEMO.approvalAssignmentId}/tasks/regress`, { query: { level: 'STG' } });
    await state(sim, res.json.setId);
    expect(await levels(sim, DEMO.approvalAssignmentId)).toEqual(['QA']);
    expect(sim.estate.tasks.get('7E3A5D04DA10')!.operation).toBe('X');
    const bottom = await call(sim, 'POST', `/assignments/${A}/tasks/regress`, { query: { level: 'DEV1' } });
    expect(bottom.json.message).toMatch(/must contain tasks/);
  });

  it('a generate of a task flagged to fail ends Failed', async () => {
    const sim = await simulator({ stepMs: 0 });
    const res = await call(sim, 'POST', `/assignments/${DEMO.failingAssignmentId}/tasks/generate`, { query: { level: 'DEV1' } });
    expect(await state(sim, res.json.setId)).toBe('Failed');
  });

  it('executionStatus H creates the set Held; release resumes it', async () => {
    const { sim, clock } = await clocked();
    const res = await call(sim, 'POST', `/assignments/${A}/tasks/generate`, { query: { level: 'DEV1' }, body: { executionStatus: 'H' } });
    const setId = res.json.setId as string;
    clock.advance(10 * STEP);
    expect(await state(sim, setId)).toBe('Held');
    await call(sim, 'POST', `/sets/${setId}/release`);
    expect(await state(sim, setId)).toBe('Released');
    clock.advance(STEP);
    expect(await state(sim, setId)).toBe('Dispatched');
    clock.advance(2 * STEP);
    expect(await state(sim, setId)).toBe('Closed');
  });

  it('set actions change state and refuse what makes no sense (409)', async () => {
    const { sim, clock } = await clocked();
    const setId = (await call(sim, 'POST', `/assignments/${A}/tasks/generate`, { query: { level: 'DEV1' } })).json.setId as string;
    const act = (action: string, query: Record<string, string> = {}) => call(sim, 'POST', `/sets/${setId}/${action}`, { query });
    expect((await act('hold')).status).toBe(200);
    expect(await state(sim, setId)).toBe('Held');
    expect((await act('hold')).status).toBe(409);
    expect((await act('lock')).status).toBe(200);
    expect(await state(sim, setId)).toBe('Locked');
    expect((await act('unlock')).json.message).toMatch(/unlocked, currently held/);
    expect(await state(sim, setId)).toBe('Held');
    expect((await act('restart')).status).toBe(200);
    expect(await state(sim, setId)).toBe('Dispatched');
    expect((await act('reset', { approver: 'MGR01' })).status).toBe(409); // no approval needed
    expect((await act('terminate')).status).toBe(200);
    expect(await state(sim, setId)).toBe('Terminated');
    expect((await act('terminate')).status).toBe(409);
    clock.advance(5 * STEP);
    expect(await state(sim, setId)).toBe('Terminated');
    expect((await act('delete')).json.message).toMatch(/deleted/);
    expect((await call(sim, 'GET', `/sets/${setId}`)).status).toBe(404);
    expect((await call(sim, 'POST', `/sets/${setId}/nonsense`)).status).toBe(404);
  });

  it('reset puts an approved set back to Waiting-Approval', async () => {
    const { sim } = await clocked();
    const setId = DEMO.sets.waitingApproval;
    await call(sim, 'POST', `/sets/${setId}/hold`);
    expect((await call(sim, 'POST', `/sets/${setId}/reset`, { query: { approver: 'MGR01' } })).status).toBe(200);
    expect(await state(sim, setId)).toBe('Waiting-Approval');
  });

  it('autoDeploy after a promote starts a deploy set at the new level', async () => {
    const sim = await simulator({ stepMs: 0 });
    const res = await call(sim, 'POST', `/assignments/${A}/tasks/promote`, { query: { level: 'DEV1' }, body: { autoDeploy: 'true' } });
    await state(sim, res.json.setId);
    await state(sim, res.json.setId);
    const deploys = [...sim.estate.sets.values()].filter((s) => s.kind === 'deploy' && s.containerId === A);
    expect(deploys).toHaveLength(1);
    expect(deploys[0]).toMatchObject({ level: 'QA', state: 'Closed' });
  });
});

describe('deployments', () => {
  it('a deploy creates a request that moves Pending → Implemented → Completed', async () => {
    const { sim, clock } = await clocked();
    const res = await call(sim, 'POST', `/assignments/${DEMO.qaAssignmentId}/tasks/deploy`, { query: { level: 'QA' } });
    const setId = res.json.setId as string;
    const deployment = async () => dto.SetDeployment.parse((await call(sim, 'GET', `/sets/${setId}/deployment`)).json).deployments;
    expect(await deployment()).toEqual([]);
    clock.advance(STEP);
    const [created] = await deployment();
    expect(created).toMatchObject({ setId, status: 'Pending', environment: 'QAT' });
    expect(created!.requestId).toMatch(/^\d+$/);
    const listed = dto.DeploymentList.parse((await call(sim, 'GET', '/deployments', { query: { setId } })).json);
    expect(listed.deployments.map((d) => d.requestId)).toEqual([created!.requestId]);
    clock.advance(STEP);
    expect((await deployment())[0]!.status).toBe('Implemented');
    expect(await state(sim, setId)).toBe('Closed');
    clock.advance(STEP);
    expect((await deployment())[0]!.status).toBe('Completed');
    expect(sim.estate.tasks.get('7E3A5D04D9B4')!.operation).toBe('I');
  });

  it('a deploy to PRD waits for approval; approving creates the request', async () => {
    const { sim, clock } = await clocked();
    const setId = DEMO.sets.waitingApproval;
    expect(sim.estate.sets.get(setId)!.deploymentIds).toEqual([]);
    await call(sim, 'POST', `/sets/${setId}/approve`, { query: { approver: 'MGR01' } });
    clock.advance(3 * STEP);
    const deployments = dto.SetDeployment.parse((await call(sim, 'GET', `/sets/${setId}/deployment`)).json).deployments;
    expect(deployments[0]).toMatchObject({ environment: 'PROD', status: 'Completed' });
  });

  it('a deploy of a task flagged to fail ends Failed with a Failed request', async () => {
    const sim = await simulator({ stepMs: 0 });
    const res = await call(sim, 'POST', `/assignments/${DEMO.failingDeployAssignmentId}/tasks/deploy`, { query: { level: 'QA' } });
    expect(await state(sim, res.json.setId)).toBe('Failed');
    const deployments = dto.SetDeployment.parse((await call(sim, 'GET', `/sets/${res.json.setId}/deployment`)).json).deployments;
    expect(deployments[0]!.status).toBe('Failed');
  });

  it('fallback at a level reverses completed deployments of those tasks', async () => {
    const sim = await simulator({ stepMs: 0 });
    const res = await call(sim, 'POST', `/assignments/${DEMO.qaAssignmentId}/tasks/fallback`, { query: { level: 'QA', mname: 'TPROG10' } });
    expect(await state(sim, res.json.setId)).toBe('Closed');
    expect(sim.estate.deployments.get(DEMO.deployments.completed)!.status).toBe('Terminated');
  });
});

describe('-await endpoints', () => {
  it('block until the set finishes (real clock)', async () => {
    const sim = await simulator({ stepMs: 20 });
    const started = Date.now();
    const res = await call(sim, 'POST', `/assignments/${A}/taskIds/generate-await`, { query: { taskId: DEMO.taskIds.TPROG01, level: 'DEV1' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(dto.AwaitResult.parse(res.json).awaitStatus?.generateSuccessCount).toBe(1);
    expect(sim.estate.sets.get(res.json.setId)!.state).toBe('Closed');
  });

  it('give up with a `timed out` message and no awaitStatus', async () => {
    const clock = manualClock();
    const sim = await simulator({ stepMs: STEP, now: clock.now, awaitTimeoutMs: 60 });
    const res = await call(sim, 'POST', '/build-await', { query: { taskId: DEMO.taskIds.TPROG01 } });
    expect(res.status).toBe(200);
    expect(res.json.message).toMatch(/timed out/);
    expect(res.json.awaitStatus).toBeUndefined();
    expect(res.json.setId).toMatch(/^S\d{9}$/);
  });

  it('are released promptly when the simulator closes', async () => {
    const clock = manualClock();
    const sim = await simulator({ stepMs: STEP, now: clock.now, awaitTimeoutMs: 60_000 });
    let settled = false;
    const pending = call(sim, 'POST', '/build-await', { query: { taskId: DEMO.taskIds.TPROG01 } })
      .catch((e: unknown) => e)
      .finally(() => (settled = true));
    // The await has reached the simulator (event-driven, no sleep) and waits on a clock that never moves.
    await vi.waitFor(() => expect(sim.requests.some((r) => r.path.endsWith('/build-await'))).toBe(true));
    expect(settled).toBe(false);
    // Closing releases it: without that, the clock standing still would hold it until the test times out.
    await sim.close();
    await pending;
    expect(settled).toBe(true);
  });
});

describe('scale', () => {
  it('hundreds of finished sets leave nothing active', async () => {
    const sim = await simulator({ stepMs: 0 });
    for (let i = 0; i < 500; i++) {
      const set = await call(sim, 'POST', `/assignments/${A}/tasks/generate`, { query: { level: 'DEV1' } });
      expect(set.status).toBe(200);
    }
    await call(sim, 'GET', `/assignments/${A}`);
    expect(sim.estate.activeSets.size).toBe(2); // only the seeded held and waiting sets remain active
  });
});
