// Behaviour of the assignments, releases and sets toolsets through an MCP client against the CES
// simulator: container searches, get/create/cancel/close, set info and set actions.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { lastRequest, startHarness, TEST_TOKEN, textOf, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.clearRequests();
  h.sim.setFaults([]);
});

describe('assignments', () => {
  it('ispw_list_assignments maps filters to containers/list with containerType=A', async () => {
    const r = await h.call('ispw_list_assignments', { application: 'PLAY', owner: 'USER0*', default_path: 'DEV1', include_closed: true, limit: 2 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const req = lastRequest(h.sim, 'GET', '/containers/list')!;
    expect(req.query).toEqual({
      rtConfig: DEMO.runtimeConfig,
      application: 'PLAY',
      owner: 'USER0*',
      path: 'DEV1',
      containerType: 'A',
      includeClosedContainers: 'true',
    });
    expect(req.headers.authorization).toBe(TEST_TOKEN);
    const s = r.structuredContent as { items: { containerId: string }[]; count: number; truncated: boolean };
    expect(s.items.length).toBeLessThanOrEqual(2);
    expect(s.truncated).toBe(s.count > 2);
  });

  it('ispw_get_assignment returns the assignment without CES blanks', async () => {
    const r = await h.call('ispw_get_assignment', { assignment_id: DEMO.dev2AssignmentId });
    expect(r.isError, textOf(r)).toBeFalsy();
    const s = r.structuredContent as Record<string, string>;
    expect(s.assignmentId).toBe(DEMO.dev2AssignmentId);
    for (const value of Object.values(s)) expect(value.trim()).not.toBe('');
    expect(textOf(r)).toContain(`Assignment: ${DEMO.dev2AssignmentId}`);
  });

  it('ispw_get_assignment of an unknown id gives CES 404 message; a bad id never reaches CES', async () => {
    const unknown = await h.call('ispw_get_assignment', { assignment_id: 'PLAY999999' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/404.*PLAY999999/);
    h.sim.clearRequests();
    const bad = await h.call('ispw_get_assignment', { assignment_id: '../etc' });
    expect(bad.isError).toBe(true);
    expect(h.sim.requests).toHaveLength(0);
  });

  it('ispw_create_assignment posts the CES body and returns the new id; then cancel and close', async () => {
    const r = await h.call('ispw_create_assignment', {
      stream: 'PLAY',
      application: 'PLAY',
      description: 'MCP test change',
      assignment_prefix: 'PLAY',
      default_path: 'DEV1',
      ref_number: 'JIRA-9',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', '/assignments')?.body).toEqual({
      stream: 'PLAY',
      application: 'PLAY',
      description: 'MCP test change',
      assignmentPrefix: 'PLAY',
      defaultPath: 'DEV1',
      refNumber: 'JIRA-9',
    });
    const id = (r.structuredContent as { assignmentId: string }).assignmentId;
    expect(id).toMatch(/^PLAY\d{6}$/);
    const cancel = await h.call('ispw_cancel_assignment', { assignment_id: id });
    expect(cancel.isError, textOf(cancel)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/assignments/${id}/cancel`)?.body).toEqual({ runtimeConfiguration: DEMO.runtimeConfig });
  });

  it('ispw_close_assignment posts /close', async () => {
    const r = await h.call('ispw_close_assignment', { assignment_id: DEMO.qaAssignmentId });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/assignments/${DEMO.qaAssignmentId}/close`)).toBeDefined();
  });

  it('a CES 500 on the container search is a tool error with the CES message', async () => {
    h.sim.setFaults([{ kind: 'error', status: 500, message: 'Container search failed', path: '/containers/list' }]);
    const r = await h.call('ispw_list_assignments', {});
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('Container search failed');
  });
});

describe('releases', () => {
  it('ispw_list_releases uses containerType=R and a wildcard id', async () => {
    const r = await h.call('ispw_list_releases', { release_id: 'REL*' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/containers/list')?.query).toEqual({ rtConfig: DEMO.runtimeConfig, containerId: 'REL*', containerType: 'R' });
    expect((r.structuredContent as { count: number }).count).toBeGreaterThan(0);
  });

  it('ispw_get_release reads the release', async () => {
    const r = await h.call('ispw_get_release', { release_id: DEMO.releaseId });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ releaseId: DEMO.releaseId, stream: 'PLAY' });
  });

  it('ispw_create_release needs exactly one of release_id and release_prefix', async () => {
    const both = await h.call('ispw_create_release', { stream: 'PLAY', application: 'PLAY', description: 'x', release_id: 'RELX', release_prefix: 'REL' });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toContain('exactly one');
    const r = await h.call('ispw_create_release', {
      stream: 'PLAY',
      application: 'PLAY',
      description: 'Q1 release',
      release_id: 'REL2027Q1',
      ref_number: 'CHG1',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', '/releases')?.body).toEqual({
      stream: 'PLAY',
      application: 'PLAY',
      description: 'Q1 release',
      releaseId: 'REL2027Q1',
      referenceNumber: 'CHG1',
    });
    expect(r.structuredContent).toMatchObject({ releaseId: 'REL2027Q1' });
    const close = await h.call('ispw_close_release', { release_id: 'REL2027Q1' });
    expect(close.isError, textOf(close)).toBeFalsy();
    const cancel = await h.call('ispw_cancel_release', { release_id: DEMO.payrollReleaseId });
    expect(cancel.isError, textOf(cancel)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/releases/${DEMO.payrollReleaseId}/cancel`)).toBeDefined();
  });

  it('ispw_remove_from_release sends the selection in the query and needs one', async () => {
    const none = await h.call('ispw_remove_from_release', { release_id: DEMO.releaseId });
    expect(none.isError).toBe(true);
    const r = await h.call('ispw_remove_from_release', { release_id: DEMO.releaseId, task_ids: [DEMO.taskIds.TCPYIBAN] });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/releases/${DEMO.releaseId}/tasks/remove`)?.query).toEqual({ taskId: DEMO.taskIds.TCPYIBAN });
    expect(r.structuredContent).toMatchObject({ failedTasks: [] });
  });
});

describe('sets', () => {
  it('ispw_list_sets uses containerType=S', async () => {
    const r = await h.call('ispw_list_sets', { set_id: 'S0002385*' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/containers/list')?.query).toEqual({ rtConfig: DEMO.runtimeConfig, containerId: 'S0002385*', containerType: 'S' });
  });

  it('ispw_get_set returns state, outcome and tasks', async () => {
    const r = await h.call('ispw_get_set', { set_id: DEMO.sets.failedGenerate });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ setId: DEMO.sets.failedGenerate, state: 'Failed', outcome: 'failed' });
    expect((r.structuredContent as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);
  });

  it('ispw_get_set of an unknown set is a 404 tool error', async () => {
    const r = await h.call('ispw_get_set', { set_id: 'S999999999' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('404');
  });

  it('ispw_set_action approve needs an approver, which goes in the query', async () => {
    const missing = await h.call('ispw_set_action', { set_id: DEMO.sets.waitingApproval, action: 'approve' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('needs approver');
    const r = await h.call('ispw_set_action', { set_id: DEMO.sets.waitingApproval, action: 'approve', approver: 'USER09', wait_seconds: 10 });
    expect(r.isError, textOf(r)).toBeFalsy();
    const req = lastRequest(h.sim, 'POST', `/sets/${DEMO.sets.waitingApproval}/approve`)!;
    expect(req.query).toEqual({ approver: 'USER09' });
    expect(req.body).toEqual({ runtimeConfiguration: DEMO.runtimeConfig });
    expect(r.structuredContent).toMatchObject({ action: 'approve', outcome: expect.any(String) });
  });

  it('ispw_set_action hold sends no approver', async () => {
    const r = await h.call('ispw_set_action', { set_id: DEMO.sets.held, action: 'release' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/sets/${DEMO.sets.held}/release`)?.query).toEqual({});
  });
});

describe('runtime configuration on reads (errata E4)', () => {
  it('every read whose operation takes rtConfig sends the configured one; a set poll too; writes carry it in the body', async () => {
    h.sim.clearRequests();
    await h.call('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
    await h.call('ispw_get_set', { set_id: DEMO.sets.closedGenerate });
    await h.call('ispw_generate', { container_type: 'assignment', container_id: DEMO.dev2AssignmentId, level: 'DEV2', wait_seconds: 2 });
    const gets = h.sim.requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(2);
    for (const get of gets) expect(get.query.rtConfig, get.path).toBe(DEMO.runtimeConfig);
    expect(lastRequest(h.sim, 'POST', `/assignments/${DEMO.dev2AssignmentId}/tasks/generate`)?.body).toMatchObject({
      runtimeConfiguration: DEMO.runtimeConfig,
    });
  });
});
