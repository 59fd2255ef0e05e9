// The ticket that authorised an emergency change is on the audit record of the write itself
// (write.attempt and write.outcome), not only on denials: the tool runs without it, audit keeps it.
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { textOf } from '../support/harness.js';
import { startAuditedServer, type AuditedServer } from '../support/audited-server.js';

const POLICY = `
version: 1
ticket: { changeTypes: [E], pattern: 'CHG[0-9]{7}' }
default: allow
`;

let server: AuditedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('audit of a ticketed write', () => {
  it('records the ticket in write.attempt and write.outcome', async () => {
    server = await startAuditedServer({ policy: POLICY });
    const args = {
      container_type: 'assignment',
      container_id: DEMO.assignmentId,
      level: 'DEV1',
      task_ids: [DEMO.taskIds.TPROG01],
      change_type: 'E',
      ticket: 'CHG0012345',
    };
    const result = await server.call('ispw_generate', args);
    expect(result.isError, textOf(result)).toBeFalsy();
    const events = server.events();
    expect(events.map((e) => e.type)).toEqual(['write.attempt', 'write.outcome']);
    for (const e of events) {
      expect(e.decision.result).toBe('allowed');
      expect(e.arguments).toMatchObject({ ticket: 'CHG0012345', change_type: 'E', level: 'DEV1' });
      expect(e.arguments).not.toHaveProperty('srid');
    }
    expect(events[1]!.outcome?.result).toMatch(/succeeded|submitted/);
  });

  it('the same write without the ticket is denied, and the tool never runs', async () => {
    server = await startAuditedServer({ policy: POLICY });
    const before = server.sim.requests.filter((r) => r.method === 'POST').length;
    const result = await server.call('ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', change_type: 'E' });
    expect(result.isError).toBe(true);
    expect(server.events().map((e) => [e.type, e.decision.rule])).toEqual([['policy.denied', 'ticket']]);
    expect(server.sim.requests.filter((r) => r.method === 'POST').length).toBe(before);
  });
});
