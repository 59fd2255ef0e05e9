// Every write tool emits exactly the expected audit events: on success an attempt and a
// succeeded/submitted outcome; on a CES failure an attempt and a failed outcome naming the CES
// status; read tools emit none. (Policy and auth denials and confirmations are covered end to end
// in test/e2e/access-observability.test.ts.) The table must cover every non-read tool of the registry.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { AuditEvent } from '../../src/audit/schema.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { textOf } from '../support/harness.js';
import { AUDIT_TOKEN, startAuditedServer, type AuditedServer } from './support.js';

const { TPROG01, TPROG02 } = DEMO.taskIds;
const A = { container_type: 'assignment', container_id: DEMO.assignmentId };

/** Arguments that succeed against the seeded simulator, and the POST path the tool sends. */
type Args = Record<string, unknown> | ((server: AuditedServer) => Promise<Record<string, unknown>>);
const CASES: Record<string, { args: Args; post: RegExp }> = {
  ispw_create_assignment: { args: { stream: 'PLAY', application: 'PLAY', description: 'audit test', assignment_prefix: 'PLAY', default_path: 'DEV1' }, post: /\/assignments$/ },
  ispw_cancel_assignment: { args: { assignment_id: DEMO.dev2AssignmentId }, post: /\/cancel$/ },
  ispw_close_assignment: { args: { assignment_id: DEMO.qaAssignmentId }, post: /\/close$/ },
  ispw_create_release: { args: { stream: 'PLAY', application: 'PLAY', description: 'x', release_id: 'RELX' }, post: /\/releases$/ },
  ispw_cancel_release: { args: { release_id: DEMO.payrollReleaseId }, post: /\/cancel$/ },
  ispw_close_release: { args: { release_id: DEMO.releaseId }, post: /\/close$/ },
  ispw_remove_from_release: { args: { release_id: DEMO.releaseId, level: 'DEV1' }, post: /\/tasks\/remove$/ },
  ispw_manage_release_deployments: { args: { release_id: DEMO.releaseId, action: 'restart' }, post: /\/deployments\/\{action\}$/ },
  ispw_cancel_deployment: { args: { request_id: String(DEMO.deployments.pending) }, post: /\/cancel$/ },
  ispw_set_action: { args: { set_id: DEMO.sets.waitingApproval, action: 'approve', approver: 'USER01' }, post: /\/sets\/\{setId\}\/\{action\}$/ },
  ispw_generate: { args: { ...A, level: 'DEV1', task_ids: [TPROG01, TPROG02] }, post: /\/generate$/ },
  ispw_build: { args: { ...A, level: 'DEV1', task_ids: [TPROG01] }, post: /\/build$/ },
  ispw_promote: { args: { ...A, level: 'DEV1', wait_seconds: 5 }, post: /\/promote$/ },
  ispw_deploy: { args: { container_type: 'release', container_id: DEMO.releaseId, level: 'QA', dpenvlst: 'QAT', deploy_implementation_date: '2026-12-01' }, post: /\/deploy$/ },
  ispw_regress: { args: { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'QA' }, post: /\/regress$/ },
  ispw_fallback: { args: { container_type: 'set', container_id: DEMO.sets.closedDeploy, level: 'QA' }, post: /\/fallback$/ },
  ispw_add_task: {
    args: { assignment_id: DEMO.dev2AssignmentId, module_name: 'TPROG10', module_type: 'COB', stream: 'PLAY', application: 'PLAY', level: 'DEV2', checkout_from_level: 'QA', checkout: true },
    post: /\/task\/add$/,
  },
  ispw_load_task: {
    args: { assignment_id: DEMO.assignmentId, module_name: 'TNEW01', module_type: 'COB', stream: 'PLAY', application: 'PLAY', level: 'DEV1', user_id: 'USER01' },
    post: /\/tasks$/,
  },
  ispw_transfer_tasks: { args: { assignment_id: DEMO.dev2AssignmentId, target_type: 'assignment', target_id: DEMO.assignmentId, task_ids: ['7E3A5D04D7E2'] }, post: /\/tasks\/transfer$/ },
  ispw_generate_with_parms: {
    // The form (a read: no audit event) gives the set id and field names the submit needs.
    args: async (server) => {
      const form = await server.call('ispw_get_generate_parms', { task_id: TPROG01, ...A });
      const { setId, fields } = form.structuredContent as { setId: string; fields: { category?: string; name: string }[] };
      return { task_id: TPROG01, ...A, set_id: setId, parms: [{ category: fields[0]!.category ?? 'COMPILE', name: fields[0]!.name, value: 'LIB' }] };
    },
    post: /\/generateWithParms$/,
  },
};

const WRITE_TOOLS = ALL_TOOLS.filter((t) => t.kind !== 'read').map((t) => t.name);

let server: AuditedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function expectPair(events: AuditEvent[], tool: string) {
  expect(events.map((e) => e.type)).toEqual(['write.attempt', 'write.outcome']);
  const [attempt, outcome] = events as [AuditEvent, AuditEvent];
  for (const e of events) {
    expect(AuditEvent.safeParse(e).success).toBe(true);
    expect(e.action.tool).toBe(tool);
    expect(e.actor).toEqual({ caller: null, authMethod: 'none', client: null, transport: 'stdio' });
    expect(e.ces).toEqual({ instance: 'sim', srid: DEMO.srid, mainframeUser: null });
    expect(e.decision).toEqual({ result: 'allowed', rule: null, confirmationId: null, reason: null });
  }
  expect(attempt.outcome).toBeNull();
  expect(attempt.action.cesOperations).toEqual([]);
  expect(outcome.correlation.correlationId).toBe(attempt.correlation.correlationId);
  expect(outcome.prevHash).toBe(attempt.hash);
  return outcome;
}

describe('audit events of write tools', () => {
  it('the table covers every write tool of the registry', () => {
    expect(Object.keys(CASES).sort()).toEqual([...WRITE_TOOLS].sort());
  });

  it.each(WRITE_TOOLS)('%s on success: one attempt and one succeeded/submitted outcome', async (tool) => {
    server = await startAuditedServer();
    const { args, post } = CASES[tool]!;
    const result = await server.call(tool, typeof args === 'function' ? await args(server) : args);
    expect(result.isError, textOf(result)).toBeFalsy();
    const outcome = expectPair(server.events(), tool);
    expect(['succeeded', 'submitted']).toContain(outcome.outcome!.result);
    expect(outcome.outcome!.errorCode).toBeNull();
    expect(outcome.action.cesOperations.length).toBeGreaterThan(0);
    for (const op of outcome.action.cesOperations) expect(op).toMatchObject({ method: 'POST', result: 'ok', status: null });
    expect(outcome.action.cesOperations.map((op) => op.pathTemplate)).toContainEqual(expect.stringMatching(post));
    const structured = result.structuredContent as { setId?: string };
    if (structured.setId) expect(outcome.outcome!.setId).toBe(structured.setId);
    expect(JSON.stringify(server.events())).not.toContain(AUDIT_TOKEN);
  });

  it.each(WRITE_TOOLS)('%s on a CES failure: one attempt and one failed outcome with the CES status', async (tool) => {
    server = await startAuditedServer();
    const { args } = CASES[tool]!;
    const resolved = typeof args === 'function' ? await args(server) : args;
    server.sim.setFaults([{ kind: 'error', status: 500, method: 'POST', message: 'DB2 deadlock' }]);
    const result = await server.call(tool, resolved);
    expect(result.isError).toBe(true);
    const outcome = expectPair(server.events(), tool);
    expect(outcome.outcome).toMatchObject({ result: 'failed', errorCode: 'ces_server', status: 500, cesMessage: 'DB2 deadlock', setId: null });
    expect(outcome.action.cesOperations[0]).toMatchObject({ method: 'POST', result: 'failed', status: 500 });
  });

  it('read tools write no audit event', async () => {
    server = await startAuditedServer();
    expect((await server.call('ispw_get_assignment', { assignment_id: DEMO.assignmentId })).isError).toBeFalsy();
    expect((await server.call('ispw_list_assignments', { application: 'PLAY' })).isError).toBeFalsy();
    expect(server.events()).toEqual([]);
  });

  it('records the target and the arguments, and a refused argument as a failed outcome without CES', async () => {
    server = await startAuditedServer();
    const before = server.sim.requests.length;
    const result = await server.call('ispw_generate', { ...A, level: 'DEV1', task_ids: [TPROG01], module_name: 'TPROG01' });
    expect(result.isError).toBe(true);
    const outcome = expectPair(server.events(), 'ispw_generate');
    expect(outcome.outcome).toMatchObject({ result: 'failed', errorCode: 'invalid_arguments' });
    expect(outcome.target).toMatchObject({ containerType: 'assignment', containerId: DEMO.assignmentId, assignmentId: DEMO.assignmentId, level: 'DEV1', taskIds: [TPROG01], moduleName: 'TPROG01' });
    expect(outcome.arguments).toMatchObject({ container_id: DEMO.assignmentId, level: 'DEV1' });
    expect(server.sim.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
  });
});
