// What tools/list advertises versus what every call validates (issue #7's tools/list budget):
// names are advertised by type only, ids keep their patterns, and the zod schemas behind the
// advertised ones still refuse every malformed value before anything reaches CES.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../../simulator/index.js';
import { GUARDED_LIMIT, GUARDED_PATTERN } from '../../../src/shared/guarded-name.js';
import { cesRequests, startHarness, textOf, type Harness } from '../../support/harness.js';

type Schema = { properties?: Record<string, { pattern?: string; type?: string; items?: { pattern?: string }; minLength?: number }> };

const ID_ARGUMENTS = ['assignment_id', 'release_id', 'set_id', 'task_id', 'container_id', 'request_id', 'target_id'];
const GUARDED_ARGUMENTS = ['srid', 'level', 'module_name', 'module_type', 'stream', 'application', 'owner', 'runtime_configuration'];

describe('advertised tool schemas', () => {
  let h: Harness;
  let tools: Awaited<ReturnType<Harness['client']['listTools']>>['tools'];
  beforeAll(async () => {
    h = await startHarness();
    tools = (await h.client.listTools()).tools;
  });
  afterAll(async () => {
    await h.close();
  });

  it('never leak the guarded-name marker', () => {
    expect(JSON.stringify(tools)).not.toContain(GUARDED_PATTERN);
    expect(JSON.stringify(tools)).not.toContain(GUARDED_LIMIT);
  });

  it('show the shared row limit by its maximum only; a limit of 0 is still refused and 50 still applies', async () => {
    const listSets = tools.find((t) => t.name === 'ispw_list_sets')!;
    expect((listSets.inputSchema.properties as Record<string, unknown>).limit).toEqual({ type: 'integer', maximum: 500 });
    const zero = await h.call('ispw_list_sets', { limit: 0 });
    expect(zero.isError).toBe(true);
    expect(textOf(zero)).toMatch(/limit/);
    const all = await h.call('ispw_list_sets', { include_closed: true });
    expect((all.structuredContent as { items: unknown[] }).items.length).toBeLessThanOrEqual(50);
  });

  it('keep the pattern of every id argument, including task_ids items', () => {
    let seen = 0;
    for (const tool of tools) {
      const props = (tool.inputSchema as Schema).properties ?? {};
      for (const [name, prop] of Object.entries(props)) {
        if (ID_ARGUMENTS.includes(name) && prop.type === 'string' && !tool.name.startsWith('ispw_list_')) {
          expect(prop.pattern, `${tool.name}.${name}`).toBeTruthy();
          seen += 1;
        }
        if (name === 'task_ids') expect(prop.items?.pattern, `${tool.name}.task_ids`).toBeTruthy();
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('advertise names by type only', () => {
    for (const tool of tools) {
      const props = (tool.inputSchema as Schema).properties ?? {};
      for (const name of GUARDED_ARGUMENTS) {
        if (props[name]?.type === 'string') expect(props[name]?.pattern, `${tool.name}.${name}`).toBeUndefined();
      }
    }
  });

  it('still refuse a malformed level, module name or srid before anything reaches CES', async () => {
    const before = cesRequests(h.sim).length;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: '../DEV1' }, /level must look like DEV1/],
      ['ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', module_name: 'A/B' }, /module_name must look like/],
      ['ispw_get_assignment', { assignment_id: DEMO.assignmentId, srid: 'CW09/../x' }, /srid must look like/],
      ['ispw_list_assignments', { stream: '' }, /stream/],
      [
        'ispw_promote',
        { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', runtime_configuration: 'TOO-LONG-CONFIG' },
        /runtime_configuration/,
      ],
    ];
    for (const [tool, args, message] of cases) {
      const result = await h.call(tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result)).toMatch(/Input validation error/);
      expect(textOf(result)).toMatch(message);
    }
    expect(cesRequests(h.sim).length).toBe(before);
  });
});
