// Every write tool emits exactly the expected audit events: on success an attempt and a
// succeeded/submitted outcome; on a CES failure an attempt and a failed outcome naming the CES
// status; read tools emit none. (Policy and auth denials and confirmations are covered end to end
// in test/e2e/access-observability.test.ts.) The table must cover every non-read tool of the registry.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { AuditEvent } from '../../src/audit/schema.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { textOf } from '../support/harness.js';
import { AUDIT_TOKEN, startAuditedServer, type AuditedServer } from '../support/audited-server.js';

const { TPROG01 } = DEMO.taskIds;
const A = { container_type: 'assignment', container_id: DEMO.assignmentId };

// The cases are the tools' own succeeding examples (src/mcp/kit/define-tool.ts): each succeeds
// against a fresh simulator, so every write tool is covered without a table to keep in step.
const WRITE_TOOLS = ALL_TOOLS.filter((t) => t.kind !== 'read');
const CASES = WRITE_TOOLS.flatMap((tool) => tool.examples.succeeds.map((example, index) => [`${tool.name} #${index + 1}`, tool.name, example.args] as const));

let server: AuditedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A path template (`/ispw/{srid}/sets/{setId}/{action}`) as a pattern for paths without the /ispw/{srid} prefix. */
const templateRegExp = (template: string) => new RegExp(`^${template.replace(/^\/ispw\/\{srid\}/, '').replace(/\{[^}]+\}/g, '[^/]+')}\\/?$`);

function expectPair(events: AuditEvent[], tool: string) {
  expect(events.map((e) => e.type)).toEqual(['write.attempt', 'write.outcome']);
  const [attempt, outcome] = events as [AuditEvent, AuditEvent];
  for (const e of events) {
    expect(AuditEvent.safeParse(e).success).toBe(true);
    expect(e.action.tool).toBe(tool);
    expect(e.actor).toEqual({ caller: null, authMethod: 'none', client: null, transport: 'stdio' });
    expect(e.ces).toEqual({ instance: 'sim', srid: DEMO.srid, mainframeUser: null });
    expect(e.decision).toEqual({ result: 'allowed', rule: null, confirmationId: null, reason: null, confirmation: null });
  }
  expect(attempt.outcome).toBeNull();
  expect(attempt.action.cesOperations).toEqual([]);
  expect(outcome.correlation.correlationId).toBe(attempt.correlation.correlationId);
  expect(outcome.prevHash).toBe(attempt.hash);
  return outcome;
}

describe('audit events of write tools', () => {
  it('every write tool has at least one case', () => {
    expect(new Set(CASES.map(([, tool]) => tool))).toEqual(new Set(WRITE_TOOLS.map((t) => t.name)));
  });

  it.each(CASES)('%s on success: one attempt and one succeeded/submitted outcome naming the POSTs sent', async (_case, tool, args) => {
    server = await startAuditedServer();
    const result = await server.call(tool, args);
    expect(result.isError, textOf(result)).toBeFalsy();
    const outcome = expectPair(server.events(), tool);
    expect(['succeeded', 'submitted']).toContain(outcome.outcome!.result);
    expect(outcome.outcome!.errorCode).toBeNull();
    expect(outcome.action.cesOperations.length).toBeGreaterThan(0);
    for (const op of outcome.action.cesOperations) expect(op).toMatchObject({ method: 'POST', result: 'ok', status: null });
    // The audit names exactly the POSTs that reached CES, in order.
    const posts = server.sim.requests.filter((r) => r.method === 'POST').map((r) => r.path.replace(/^\/ispw\/[^/]+/, ''));
    expect(outcome.action.cesOperations).toHaveLength(posts.length);
    outcome.action.cesOperations.forEach((op, i) => expect(posts[i]).toMatch(templateRegExp(op.pathTemplate)));
    const structured = result.structuredContent as { setId?: string };
    if (structured.setId) expect(outcome.outcome!.setId).toBe(structured.setId);
    expect(JSON.stringify(server.events())).not.toContain(AUDIT_TOKEN);
  });

  it.each(CASES)('%s on a CES failure: one attempt and one failed outcome with the CES status', async (_case, tool, args) => {
    server = await startAuditedServer();
    server.sim.setFaults([{ kind: 'error', status: 500, method: 'POST', message: 'DB2 deadlock' }]);
    const result = await server.call(tool, args);
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
    expect(outcome.target).toMatchObject({
      containerType: 'assignment',
      containerId: DEMO.assignmentId,
      assignmentId: DEMO.assignmentId,
      level: 'DEV1',
      taskIds: [TPROG01],
      moduleName: 'TPROG01',
    });
    expect(outcome.arguments).toMatchObject({ container_id: DEMO.assignmentId, level: 'DEV1' });
    expect(server.sim.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
  });
});
