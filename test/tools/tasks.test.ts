// Behaviour of the tasks toolset (lifecycle operations, task tools, work list) through an MCP
// client against the CES simulator: the exact CES requests, routing refusals, CES failures,
// waiting with progress, and the demo flow generate → promote → deploy.
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { lastRequest, startHarness, TEST_TOKEN, textOf, type Harness } from '../support/harness.js';

const A = { container_type: 'assignment', container_id: DEMO.assignmentId };
const { TPROG01, TPROG02 } = DEMO.taskIds;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ stepMs: 0 });
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.clearRequests();
  h.sim.setFaults([]);
});

describe('lifecycle routing', () => {
  it('ispw_generate with task_ids posts taskIds/generate with repeated taskId and set options in the body', async () => {
    const r = await h.call('ispw_generate', { ...A, level: 'DEV1', task_ids: [TPROG01, TPROG02], change_type: 'E', auto_deploy: false });
    expect(r.isError).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/assignments/${DEMO.assignmentId}/taskIds/generate`)!;
    expect(req.query).toEqual({ taskId: [TPROG01, TPROG02], level: 'DEV1' });
    expect(req.body).toEqual({ runtimeConfiguration: DEMO.runtimeConfig, changeType: 'E', autoDeploy: 'false' });
    expect(req.headers.authorization).toBe(TEST_TOKEN);
    expect(r.structuredContent).toMatchObject({
      containerType: 'assignment',
      containerId: DEMO.assignmentId,
      level: 'DEV1',
      setId: expect.stringMatching(/^S\d{9}$/),
    });
    expect(textOf(r)).toContain('submitted');
  });

  it('ispw_promote of an assignment sends level/mname/mtype in the query and override in the body', async () => {
    const r = await h.call('ispw_promote', { ...A, level: 'DEV1', module_name: 'TPROG01', module_type: 'COB', override: true, runtime_configuration: 'TEST' });
    expect(r.isError).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/assignments/${DEMO.assignmentId}/tasks/promote`)!;
    expect(req.query).toEqual({ level: 'DEV1', mname: 'TPROG01', mtype: 'COB' });
    // gh-promote's spelling for the promote endpoint (errata E7): runtimeConfig.
    expect(req.body).toEqual({ runtimeConfig: 'TEST', override: 'true' });
  });

  it('ispw_deploy of a release posts releases/{id}/tasks/deploy', async () => {
    const r = await h.call('ispw_deploy', {
      container_type: 'release',
      container_id: DEMO.releaseId,
      level: 'QA',
      dpenvlst: 'QAT',
      deploy_implementation_date: '2026-12-01',
    });
    expect(r.isError).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/releases/${DEMO.releaseId}/tasks/deploy`)!;
    expect(req.query).toEqual({ level: 'QA' });
    expect(req.body).toMatchObject({ dpenvlst: 'QAT', deployImplementationDate: '2026-12-01' });
  });

  it('ispw_build with task_ids posts /build?taskId= and returns the tasks to be built', async () => {
    const r = await h.call('ispw_build', { ...A, level: 'DEV1', task_ids: [TPROG01] });
    expect(r.isError, textOf(r)).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', '/build')!;
    expect(req.query).toEqual({ taskId: TPROG01, assignmentId: DEMO.assignmentId });
    expect((r.structuredContent as { tasks?: unknown[] }).tasks?.length).toBeGreaterThan(0);
  });

  it('ispw_build of a release needs assignment_id', async () => {
    const r = await h.call('ispw_build', { container_type: 'release', container_id: DEMO.releaseId, level: 'DEV1' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('assignment_id');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('ispw_promote refuses task_ids (CES has no such endpoint) with a hint', async () => {
    const r = await h.call('ispw_promote', { ...A, level: 'DEV1', task_ids: [TPROG01] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/cannot promote by task id.*module_name\/module_type/);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('ispw_promote refuses a set, ispw_fallback accepts one', async () => {
    const refused = await h.call('ispw_promote', { container_type: 'set', container_id: DEMO.sets.closedDeploy, level: 'QA' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('cannot promote a set');
    const ok = await h.call('ispw_fallback', { container_type: 'set', container_id: DEMO.sets.closedDeploy, level: 'QA' });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/sets/${DEMO.sets.closedDeploy}/tasks/fallback`)).toBeDefined();
  });

  it('a malformed task id is refused by the input schema', async () => {
    const r = await h.call('ispw_generate', { ...A, level: 'DEV1', task_ids: ['not/an/id'] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('task_id must look like');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('a reply without setId (nothing qualified) is a failed call: CES did nothing; the CES message and outcome no_set come with it', async () => {
    const r = await h.call('ispw_generate', { ...A, level: 'PRD' });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).not.toHaveProperty('setId');
    expect(r.structuredContent).toMatchObject({ outcome: 'no_set', containerId: DEMO.assignmentId });
    expect(textOf(r)).toMatch(/failed: CES created no set, so nothing was changed.*must contain tasks/);
  });

  it('an unknown assignment gives the CES 404 message', async () => {
    const r = await h.call('ispw_regress', { container_type: 'assignment', container_id: 'PLAY999999', level: 'QA' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('PLAY999999');
  });

  it('a CES 500 is a tool error with the CES message', async () => {
    h.sim.setFaults([{ kind: 'error', status: 500, message: 'ISPW region is down', path: '/tasks/generate' }]);
    const r = await h.call('ispw_generate', { ...A, level: 'DEV1' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('ISPW region is down');
  });

  it('ispw_generate with await_in_ces reports per-task counts of a partial failure', async () => {
    const r = await h.call('ispw_generate', {
      container_type: 'assignment',
      container_id: DEMO.failingAssignmentId,
      level: 'DEV1',
      task_ids: [DEMO.failingTaskId],
      await_in_ces: true,
      auto_deploy: false,
    });
    // A failed generate is a failed call, with the counts still attached for scripts.
    expect(r.isError, textOf(r)).toBe(true);
    // gh-generate's spelling for generate-await (errata E7): runtimeConfig and a JSON boolean autoDeploy.
    expect(lastRequest(h.sim, 'POST', `/assignments/${DEMO.failingAssignmentId}/taskIds/generate-await`)?.body).toEqual({
      runtimeConfig: DEMO.runtimeConfig,
      autoDeploy: false,
    });
    expect(r.structuredContent).toMatchObject({ outcome: 'failed', failedCount: 1 });
  });
});

describe('waiting for sets', () => {
  let slow: Harness;
  beforeAll(async () => {
    slow = await startHarness({ stepMs: 40, pollIntervalMs: 15 });
  });
  afterAll(() => slow.close());

  it('ispw_promote with wait_seconds sends progress and ends Closed', async () => {
    const progress: { message?: string }[] = [];
    const r = await slow.client.callTool(
      { name: 'ispw_promote', arguments: { ...A, level: 'DEV1', wait_seconds: 20 } },
      { onprogress: (p) => progress.push(p) },
    );
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ state: 'Closed', outcome: 'succeeded' });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)?.message).toContain('Closed');
  });

  it('the demo assignment goes generate → promote → deploy to completion', async () => {
    // A fresh estate: the test above already promoted the demo assignment in `slow`.
    const demo = await startHarness({ stepMs: 20, pollIntervalMs: 10 });
    onTestFinished(() => demo.close());
    const id = DEMO.assignmentId;
    for (const [tool, level] of [
      ['ispw_generate', 'DEV1'],
      ['ispw_promote', 'DEV1'],
      ['ispw_deploy', 'QA'],
    ] as const) {
      const r = await demo.call(tool, { container_type: 'assignment', container_id: id, level, wait_seconds: 30 });
      expect(r.isError, `${tool}: ${textOf(r)}`).toBeFalsy();
      expect(r.structuredContent, tool).toMatchObject({ outcome: 'succeeded' });
    }
    const tasks = await demo.call('ispw_list_tasks', { container_type: 'assignment', container_id: id });
    const levels = (tasks.structuredContent as { items: { level?: string }[] }).items.map((t) => t.level);
    expect(new Set(levels)).toEqual(new Set(['QA']));
  });
});

describe('task tools', () => {
  it('ispw_list_tasks of a release filters by level and caps with limit', async () => {
    const r = await h.call('ispw_list_tasks', { container_type: 'release', container_id: DEMO.releaseId, level: 'QA', limit: 1 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', `/releases/${DEMO.releaseId}/tasks`)?.query).toEqual({ rtConfig: DEMO.runtimeConfig, level: 'QA' });
    const s = r.structuredContent as { items: unknown[]; count: number; truncated: boolean };
    expect(s.items).toHaveLength(1);
    expect(s.truncated).toBe(s.count > 1);
  });

  it('ispw_get_task reads one assignment task', async () => {
    const r = await h.call('ispw_get_task', { ...A, task_id: TPROG01 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ taskId: TPROG01, moduleName: 'TPROG01' });
    expect(lastRequest(h.sim, 'GET', `/assignments/${DEMO.assignmentId}/tasks/${TPROG01}`)).toBeDefined();
  });

  it('ispw_transfer_tasks sends the target in the body and the selection in the query', async () => {
    const r = await h.call('ispw_transfer_tasks', {
      assignment_id: DEMO.dev2AssignmentId,
      target_type: 'assignment',
      target_id: DEMO.assignmentId,
      task_ids: ['7E3A5D04D7E2'],
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/assignments/${DEMO.dev2AssignmentId}/tasks/transfer`)!;
    expect(req.query).toEqual({ taskId: '7E3A5D04D7E2' });
    expect(req.body).toEqual({ containerId: DEMO.assignmentId, containerType: 'A', runtimeConfiguration: DEMO.runtimeConfig });
  });

  it('ispw_transfer_tasks without any selection is refused', async () => {
    const r = await h.call('ispw_transfer_tasks', { assignment_id: DEMO.dev2AssignmentId, target_type: 'release', target_id: DEMO.releaseId });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('Select the tasks');
  });

  it('ispw_load_task and ispw_add_task post the task bodies', async () => {
    const load = await h.call('ispw_load_task', {
      assignment_id: DEMO.assignmentId,
      module_name: 'TNEW01',
      module_type: 'COB',
      stream: 'PLAY',
      application: 'PLAY',
      level: 'DEV1',
      user_id: 'USER01',
      task_flags: ['program', 'sql'],
      release_id: DEMO.releaseId,
      generate_sequence: '1',
    });
    expect(load.isError, textOf(load)).toBeFalsy();
    // As Jenkins and Azure send it (errata E8): assignmentId in the body, no runtime configuration.
    expect(lastRequest(h.sim, 'POST', `/assignments/${DEMO.assignmentId}/tasks`)?.body).toEqual({
      stream: 'PLAY',
      application: 'PLAY',
      moduleName: 'TNEW01',
      moduleType: 'COB',
      currentLevel: 'DEV1',
      startingLevel: 'DEV1',
      userId: 'USER01',
      assignmentId: DEMO.assignmentId,
      release: DEMO.releaseId,
      generateSequence: '1',
      program: true,
      sql: true,
    });
    const add = await h.call('ispw_add_task', {
      assignment_id: DEMO.dev2AssignmentId,
      module_name: 'TPROG10',
      module_type: 'COB',
      stream: 'PLAY',
      application: 'PLAY',
      level: 'DEV2',
      checkout_from_level: 'QA',
      checkout: true,
      owner: 'USER02',
      release_id: DEMO.releaseId,
      sub_appl: 'PLAY',
    });
    expect(add.isError, textOf(add)).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/assignments/${DEMO.dev2AssignmentId}/task/add`)!;
    expect(req.query).toEqual({ checkout: 'true' });
    expect(req.body).toMatchObject({
      taskName: 'TPROG10',
      type: 'COB',
      path: 'DEV2',
      checkoutFromLevel: 'QA',
      owner: 'USER02',
      releaseId: DEMO.releaseId,
      subAppl: 'PLAY',
    });
    // owner and releaseId are required, as Jenkins' help marks them: refused before CES is asked.
    h.sim.clearRequests();
    const missing = await h.call('ispw_add_task', {
      assignment_id: DEMO.dev2AssignmentId,
      module_name: 'TPROG11',
      module_type: 'COB',
      stream: 'PLAY',
      application: 'PLAY',
      level: 'DEV2',
      checkout_from_level: 'QA',
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/owner|release_id/);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('ispw_get_generate_parms shows current values; ispw_generate_with_parms submits every field with the change (errata E6)', async () => {
    const form = await h.call('ispw_get_generate_parms', { task_id: TPROG01, ...A });
    expect(form.isError, textOf(form)).toBeFalsy();
    const { setId, fields } = form.structuredContent as { setId: string; fields: { category?: string; name: string; value?: string }[] };
    // The set id without the quotes CES sent; values from datagroupInfo, not the {CATEGORY.NAME} references.
    expect(setId).toMatch(/^S\d{9}$/);
    expect(fields).toEqual([
      { category: 'COMPILE', name: 'COMPOPTS', label: 'Compile options', value: 'LIB' },
      { category: 'COMPILE', name: 'DB2', label: 'DB2 precompile', value: 'N' },
      { category: 'LINK', name: 'LINKOPTS', label: 'Link options', value: 'RENT' },
    ]);
    const r = await h.call('ispw_generate_with_parms', {
      task_id: TPROG01,
      ...A,
      set_id: setId,
      parms: [{ category: 'LINK', name: 'LINKOPTS', value: 'RENT,REUS' }],
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/tasks/${TPROG01}/generateWithParms`)?.body).toEqual({
      containerId: DEMO.assignmentId,
      containerType: 'A',
      setId,
      updateDetails: [
        { category: 'COMPILE', name: 'COMPOPTS', value: 'LIB' },
        { category: 'COMPILE', name: 'DB2', value: 'N' },
        { category: 'LINK', name: 'LINKOPTS', value: 'RENT,REUS' },
      ],
    });
  });

  it('ispw_generate_with_parms refuses a parameter the form does not have, naming the ones it has, and posts nothing', async () => {
    const form = await h.call('ispw_get_generate_parms', { task_id: TPROG02, ...A });
    const { setId } = form.structuredContent as { setId: string };
    h.sim.clearRequests();
    const r = await h.call('ispw_generate_with_parms', { task_id: TPROG02, ...A, set_id: setId, parms: [{ category: 'COMPILE', name: 'PARM', value: 'X' }] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/no parameter COMPILE.PARM.*COMPILE.COMPOPTS, COMPILE.DB2, LINK.LINKOPTS/);
    expect(h.sim.requests.filter((q) => q.method === 'POST')).toEqual([]);
  });

  it('ispw_get_work_list passes filters and caps rows', async () => {
    const r = await h.call('ispw_get_work_list', { application: 'PLAY', operation: 'Promote', limit: 2 });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/worklist')?.query).toEqual({ rtConfig: DEMO.runtimeConfig, application: 'PLAY', operation: 'Promote' });
    expect((r.structuredContent as { items: unknown[] }).items.length).toBeLessThanOrEqual(2);
  });
});
