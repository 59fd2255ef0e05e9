// The guard of src/policy/guard.ts with the facts the tools declare: a policy rule on application
// now reaches ispw_cancel_deployment (its subject is the deployment request, whose set names the
// application), and the confirmation preview shows what the declaration says the change touches.
// Real simulator, real access-control pieces, real audit file.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { startAuditedServer, type AuditedServer } from '../support/audited-server.js';
import { textOf } from '../support/harness.js';

let server: AuditedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const posts = (s: AuditedServer) => s.sim.requests.filter((r) => r.method === 'POST');

describe('guard: policy facts from the tool declaration', () => {
  it('a rule on application applies to ispw_cancel_deployment (request 46158 belongs to a PLAY set)', async () => {
    server = await startAuditedServer({
      policy:
        'version: 1\nrules:\n  - name: no-play-cancel\n    match: { operations: [cancel_deployment], applications: [PLAY] }\n    decision: deny\n    reason: PLAY deployments are cancelled by the release team\n',
    });
    const result = await server.call('ispw_cancel_deployment', { request_id: String(DEMO.deployments.pending) });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('rule:no-play-cancel');
    expect(posts(server)).toEqual([]);
    expect(server.events().map((e) => e.type)).toEqual(['policy.denied']);
  });

  it('the same rule leaves another application alone', async () => {
    server = await startAuditedServer({
      policy: 'version: 1\nrules:\n  - name: no-payr-cancel\n    match: { operations: [cancel_deployment], applications: [PAYR] }\n    decision: deny\n',
    });
    const result = await server.call('ispw_cancel_deployment', { request_id: String(DEMO.deployments.pending) });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(posts(server)).toHaveLength(1);
  });

  it('the confirmation preview of a cancel names the request, its set and environment', async () => {
    server = await startAuditedServer({ policy: 'version: 1\ndefault: confirm\n' });
    const result = await server.call('ispw_cancel_deployment', { request_id: String(DEMO.deployments.pending) });
    expect(result.isError, textOf(result)).toBeFalsy();
    const preview = (result.structuredContent as { preview: Record<string, unknown> }).preview;
    expect(preview).toMatchObject({
      operation: 'cancel_deployment',
      container: { type: 'set', id: 'S000238590' },
      deployment: { requestId: String(DEMO.deployments.pending), status: 'Pending' },
      application: 'PLAY',
    });
    expect(textOf(result)).toContain(`deployment request ${DEMO.deployments.pending} (set S000238590`);
    expect(posts(server)).toEqual([]);
  });

  it('the preview of a deploy shows the target environments and set options it was given', async () => {
    server = await startAuditedServer({ policy: 'version: 1\ndefault: confirm\n' });
    const result = await server.call('ispw_deploy', {
      container_type: 'release',
      container_id: DEMO.releaseId,
      level: 'QA',
      dpenvlst: 'QAT',
      change_type: 'S',
    });
    const preview = (result.structuredContent as { preview: Record<string, unknown> }).preview;
    expect(preview).toMatchObject({
      operation: 'deploy',
      container: { type: 'release', id: DEMO.releaseId },
      level: 'QA',
      target: { environments: ['QAT'] },
      set_options: { dpenvlst: 'QAT', change_type: 'S' },
    });
  });

  it('set actions are split by action: the policy sees set_approve, not set_action', async () => {
    server = await startAuditedServer({
      policy: 'version: 1\nrules:\n  - name: no-approvals\n    match: { operations: [set_approve] }\n    decision: deny\n',
    });
    const approve = await server.call('ispw_set_action', { set_id: DEMO.sets.waitingApproval, action: 'approve', approver: 'USER01' });
    expect(textOf(approve)).toContain('rule:no-approvals');
    const hold = await server.call('ispw_set_action', { set_id: DEMO.sets.waitingApproval, action: 'hold' });
    expect(hold.isError, textOf(hold)).toBeFalsy();
  });
});
