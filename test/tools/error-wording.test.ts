// What a person or a model reads when a call goes wrong: a missing argument is named with what it
// means, lower-case levels become the upper-case level CES knows (in every tool), a 404 points at
// the list tool for that kind of object, and CES failures read as whole sentences that say each
// thing once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator } from '../../simulator/index.js';
import { createCesClient } from '../../src/ces/client.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { describeCesError } from '../../src/mcp/ces-hints.js';
import { failure } from '../support/ces-failure.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const text = (result: { content: unknown }) => (result.content as { text: string }[])[0]!.text;

describe('missing arguments', () => {
  it('name the argument and what it means instead of zod text', async () => {
    const result = await h.call('ispw_promote', { container_type: 'assignment', container_id: DEMO.assignmentId });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('`level` is required: the lifecycle level, e.g. DEV1');
    expect(text(result)).not.toContain('received undefined');
  });

  it('list every missing argument, each with its meaning', async () => {
    const result = await h.call('ispw_generate', {});
    expect(text(result)).toContain('`container_type` is required: assignment, release or set');
    expect(text(result)).toContain('`container_id` is required: the assignment, release or set id, e.g. PLAY000313');
    expect(text(result)).toContain('`level` is required: the lifecycle level, e.g. DEV1');
    expect(h.sim.requests).toHaveLength(0);
  });

  it('an argument without a stated meaning still reads "is required"', async () => {
    expect(text(await h.call('ispw_get_assignment', {}))).toContain('`assignment_id` is required: an assignment id, e.g. PLAY000313');
    const result = await h.call('ispw_create_assignment', { stream: 'PLAY', application: 'PLAY', assignment_prefix: 'PLAY' });
    expect(text(result)).toContain('`description` is required');
    expect(text(result)).not.toContain('received undefined');
  });

  it('a wrong value keeps its own message (not "is required")', async () => {
    const result = await h.call('ispw_promote', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV 1' });
    expect(text(result)).toContain('level: level must look like DEV1');
    expect(text(result)).not.toContain('is required');
  });
});

describe('levels', () => {
  it('a lower-case level reaches CES, the text and the result as the upper-case level', async () => {
    const before = h.sim.requests.length;
    const result = await h.call('ispw_list_tasks', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'dev1' });
    expect(result.isError, text(result)).toBeFalsy();
    expect(text(result)).toContain('at DEV1');
    const sent = h.sim.requests.slice(before);
    expect(sent.map((r) => r.query.level)).toEqual(['DEV1']);
  });

  it('a write tool gets the same treatment (one rule for every level argument)', async () => {
    const before = h.sim.requests.length;
    const result = await h.call('ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'dev1' });
    expect(result.isError, text(result)).toBeFalsy();
    expect(h.sim.requests.slice(before).find((r) => r.method === 'POST')?.query.level).toBe('DEV1');
  });
});

describe('CES failures', () => {
  it('a missing release points at ispw_list_releases', async () => {
    const result = await h.call('ispw_get_release', { release_id: 'NOPE01' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Check the id (ispw_list_releases shows valid ids) and the srid.');
    expect(text(result)).not.toContain('ispw_list_assignments');
  });

  it('a missing set points at ispw_list_sets, a missing assignment task at both list tools', () => {
    expect(describeCesError(new CesError('ces_not_found', 'CES answered HTTP 404 to set.get (no message).', { operation: 'set.get' }))).toContain(
      'ispw_list_sets shows',
    );
    expect(describeCesError(new CesError('ces_not_found', 'x', { operation: 'assignment.task' }))).toContain(
      '(ispw_list_assignments and ispw_list_tasks show valid ids)',
    );
    expect(describeCesError(new CesError('ces_not_found', 'x', { operation: 'worklist.get' }))).toContain('(the list tools show valid ids)');
  });

  it('a rejected token is explained once', async () => {
    const sim = await startSimulator({ tokens: ['the-right-token'], stepMs: 0 });
    const client = createCesClient({ name: 'sim', url: sim.url, token: () => 'a-wrong-token', retries: 0 });
    try {
      const message = describeCesError(await failure(client.call(sim.srids[0]!, ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })));
      expect(message).toMatch(/^CES rejected the token for instance "sim" \(HTTP 401, assignment\.get; CES says: .*\)\. /);
      expect(message.match(/rejected/g)).toHaveLength(1);
      expect(message.match(/ISPW_MCP_CES_TOKEN_FILE/g)).toHaveLength(1);
    } finally {
      await client.close();
      await sim.close();
    }
  });

  it('an unreachable CES reads as sentences: a full stop before the hint, the cause said once', async () => {
    const sim = await startSimulator({ tokens: ['t0ken'], stepMs: 0 });
    const url = sim.url;
    await sim.close();
    const client = createCesClient({ name: 'down', url, token: () => 't0ken', retries: 0 });
    try {
      const message = describeCesError(await failure(client.call('CW09-47623', ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })));
      expect(message).toMatch(/\(assignment\.get\)\. Try again later/);
      expect(message.match(/reach/gi)).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('every part ends with a full stop, even when a message lacks one', () => {
    const message = describeCesError(
      new CesError('ces_unavailable', 'Cannot reach CES (assignment.generate); CES may still have carried it out, so check its state before repeating it', {
        cesMessage: 'still busy',
      }),
    );
    expect(message).toBe(
      'Cannot reach CES (assignment.generate); CES may still have carried it out, so check its state before repeating it. CES said: still busy. Try again later, or ask the operator to check connectivity and TLS settings.',
    );
  });
});
