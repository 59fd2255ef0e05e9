// Behaviour of the deployments toolset through an MCP client against the CES simulator.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { lastRequest, startHarness, textOf, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.sim.clearRequests();
  h.sim.setFaults([]);
});

describe('deployments', () => {
  it('ispw_list_deployments lists the prior week by default and filters by status', async () => {
    const all = await h.call('ispw_list_deployments', {});
    expect(all.isError, textOf(all)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/deployments')?.query).toEqual({ rtConfig: DEMO.runtimeConfig });
    const failed = await h.call('ispw_list_deployments', { status: 'Failed' });
    expect(lastRequest(h.sim, 'GET', '/deployments')?.query).toEqual({ rtConfig: DEMO.runtimeConfig, status: 'Failed' });
    const items = (failed.structuredContent as { items: { status?: string }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    for (const d of items) expect(d.status).toBe('Failed');
  });

  it('ispw_list_deployments with a date range turns the prior-week default off', async () => {
    const r = await h.call('ispw_list_deployments', { start_date: '2020-01-01', end_date: '2030-12-31' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/deployments')?.query).toEqual({
      rtConfig: DEMO.runtimeConfig,
      startDate: '2020-01-01',
      endDate: '2030-12-31',
      priorWeek: 'false',
    });
  });

  it('ispw_list_deployments by set or request id sends no priorWeek (BMC sends it only when asked) and hints at the window when empty', async () => {
    const bySet = await h.call('ispw_list_deployments', { set_id: DEMO.sets.closedDeploy });
    expect(bySet.isError, textOf(bySet)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/deployments')?.query).toEqual({ rtConfig: DEMO.runtimeConfig, setId: DEMO.sets.closedDeploy });
    const old = await h.call('ispw_list_deployments', { request_id: String(DEMO.deployments.old) });
    expect(lastRequest(h.sim, 'GET', '/deployments')?.query).toEqual({ rtConfig: DEMO.runtimeConfig, requestId: String(DEMO.deployments.old) });
    expect(textOf(old)).toContain('give start_date to look further back');
  });

  it('the deployment list as gh-deplist shows it: one request as an object, numeric requestId, upper-case status', async () => {
    h.sim.setFaults([{ kind: 'singletonList', path: '/deployments' }]);
    const r = await h.call('ispw_list_deployments', { status: 'Failed' });
    expect(r.isError, textOf(r)).toBeFalsy();
    const items = (r.structuredContent as { items: { requestId?: string; status?: string }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]!.requestId).toMatch(/^\d+$/);
  });

  it("ispw_get_work_list passes the filters BMC's plugin offers", async () => {
    const r = await h.call('ispw_get_work_list', {
      production: true,
      historical: false,
      environment: 'QAT',
      sub_appl: 'PLAY',
      group: 'DEVS',
      last_updated_by: 'USER01',
      ref_number: 'JIRA-1188',
    });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'GET', '/worklist')?.query).toEqual({
      rtConfig: DEMO.runtimeConfig,
      production: 'true',
      historical: 'false',
      environment: 'QAT',
      subAppl: 'PLAY',
      group: 'DEVS',
      lastUpdatedBy: 'USER01',
      refNumber: 'JIRA-1188',
    });
  });

  it('ispw_get_set_deployment shows the requests of a deploy set', async () => {
    const r = await h.call('ispw_get_set_deployment', { set_id: DEMO.sets.closedDeploy });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ deployments: [{ requestId: String(DEMO.deployments.completed) }] });
  });

  it('ispw_cancel_deployment posts /deployments/{id}/cancel; an unknown id is a 404', async () => {
    const r = await h.call('ispw_cancel_deployment', { request_id: String(DEMO.deployments.pending) });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/deployments/${DEMO.deployments.pending}/cancel`)).toBeDefined();
    const unknown = await h.call('ispw_cancel_deployment', { request_id: '999999' });
    expect(unknown.isError).toBe(true);
    const bad = await h.call('ispw_cancel_deployment', { request_id: 'abc' });
    expect(bad.isError).toBe(true);
  });

  it('ispw_manage_release_deployments restarts a release deployment', async () => {
    const r = await h.call('ispw_manage_release_deployments', { release_id: DEMO.releaseId, action: 'restart' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(lastRequest(h.sim, 'POST', `/releases/${DEMO.releaseId}/deployments/restart`)).toBeDefined();
  });

  it('a CES 500 on the deployment list is a tool error with the CES message', async () => {
    h.sim.setFaults([{ kind: 'error', status: 500, message: 'Deployment database unavailable', path: '/deployments' }]);
    const r = await h.call('ispw_list_deployments', {});
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('Deployment database unavailable');
  });
});
