// Generic checks over the whole tool registry: naming, descriptions, annotations, schemas,
// per-tool schema snapshots (test/__toolsnaps__, rewrite with UPDATE_TOOLSNAPS=1), that every CES
// operation of the catalogue is reachable from some tool, and that docs/tools.md is current.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import type { Tool } from '@modelcontextprotocol/server';
import { silentLogger } from '../../src/telemetry/logger.js';
import { beforeAll, describe, expect, it } from 'vitest';

import type { CallInput, CesTarget } from '../../src/ces/api.js';
import { ops, type Operation } from '../../src/ces/operations.js';
import type { ToolContext } from '../../src/mcp/kit/context.js';
import { ALL_TOOLS, TOOLSETS } from '../../src/tools/index.js';
import { listTools, measureToolsList, renderToolsDoc } from '../../scripts/generate-tools-doc.js';

const SNAP_DIR = new URL('../__toolsnaps__/', import.meta.url);
const UPDATE = process.env.UPDATE_TOOLSNAPS === '1';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

let listed: Tool[];
beforeAll(async () => {
  listed = await listTools();
});

describe('tool registry', () => {
  it('names are ispw_ snake_case, unique, and every tool is listed', () => {
    const names = ALL_TOOLS.map((t) => t.name);
    for (const name of names) expect(name).toMatch(/^ispw_[a-z][a-z0-9_]*$/);
    expect(new Set(names).size).toBe(names.length);
    expect(listed.map((t) => t.name).sort()).toEqual([...names].sort());
  });

  it('every tool belongs to a declared toolset', () => {
    const ids = new Set(TOOLSETS.map((t) => t.id));
    for (const tool of ALL_TOOLS) expect(ids.has(tool.toolset), tool.name).toBe(true);
  });

  it('descriptions are one sentence', () => {
    for (const tool of ALL_TOOLS) {
      expect(tool.description, tool.name).toMatch(/^[A-Z][^\n]*\.$/);
      expect(tool.description.slice(0, -1), tool.name).not.toMatch(/\.\s/);
      expect(tool.description.length, tool.name).toBeLessThanOrEqual(140);
    }
  });

  it('annotations follow the declared kind', () => {
    for (const tool of listed) {
      const def = ALL_TOOLS.find((t) => t.name === tool.name)!;
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(def.kind === 'read');
      expect(tool.annotations?.destructiveHint, tool.name).toBe(def.kind === 'destructive');
    }
  });

  it('list and get tools are read, and lifecycle kinds are as documented', () => {
    const kind = (name: string) => ALL_TOOLS.find((t) => t.name === name)?.kind;
    for (const tool of ALL_TOOLS.filter((t) => /^ispw_(list|get)_/.test(t.name))) expect(tool.kind, tool.name).toBe('read');
    for (const name of ['ispw_generate', 'ispw_build', 'ispw_create_assignment', 'ispw_load_task', 'ispw_transfer_tasks']) {
      expect(kind(name), name).toBe('write');
    }
    for (const name of ['ispw_promote', 'ispw_deploy', 'ispw_regress', 'ispw_fallback', 'ispw_set_action', 'ispw_cancel_deployment']) {
      expect(kind(name), name).toBe('destructive');
    }
  });

  it('input properties are snake_case, srid is added centrally, output schemas are objects', () => {
    for (const tool of listed) {
      const props = Object.keys((tool.inputSchema as { properties?: object }).properties ?? {});
      for (const prop of props) expect(prop, `${tool.name}.${prop}`).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(props, tool.name).toContain('srid');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    for (const tool of ALL_TOOLS) expect(Object.keys(tool.input.shape), tool.name).not.toContain('srid');
  });

  it('schemas match the snapshots in test/__toolsnaps__ (UPDATE_TOOLSNAPS=1 rewrites them)', () => {
    const stale: string[] = [];
    for (const tool of listed) {
      const snap = sortKeys({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        annotations: tool.annotations,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
      });
      const text = `${JSON.stringify(snap, null, 2)}\n`;
      const file = new URL(`${tool.name}.json`, SNAP_DIR);
      const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      if (current === text) continue;
      if (UPDATE) writeFileSync(file, text);
      else stale.push(`${tool.name}${current === undefined ? ' (missing)' : ''}`);
    }
    expect(stale, 'tool schemas changed: review, then run with UPDATE_TOOLSNAPS=1').toEqual([]);
  });

  // Issue #7: the whole tools/list reply stays within 8,000 estimated tokens (bytes / 4). A new
  // tool or argument pays for itself here; docs/performance.md (optimisation 10) says what is
  // advertised and what is only validated.
  it('tools/list stays within 8,000 tokens', async () => {
    const { tokens } = await measureToolsList();
    expect(tokens).toBeLessThanOrEqual(8_000);
  });

  it('docs/tools.md is up to date (npx tsx scripts/generate-tools-doc.ts)', async () => {
    const committed = readFileSync(new URL('../../docs/tools.md', import.meta.url), 'utf8');
    expect(committed).toBe(await renderToolsDoc());
  });
});

// Each case reaches one route; together they must reach every operation of the catalogue.
const ROUTE_CASES: [string, Record<string, unknown>][] = [
  ['ispw_list_assignments', {}],
  ['ispw_get_assignment', { assignment_id: 'PLAY000313' }],
  ['ispw_create_assignment', { stream: 'PLAY', application: 'PLAY', description: 'x', assignment_prefix: 'PLAY', default_path: 'DEV1' }],
  ['ispw_cancel_assignment', { assignment_id: 'PLAY000313' }],
  ['ispw_close_assignment', { assignment_id: 'PLAY000313' }],
  ['ispw_list_releases', {}],
  ['ispw_get_release', { release_id: 'REL1' }],
  ['ispw_create_release', { stream: 'PLAY', application: 'PLAY', description: 'x', release_id: 'REL1' }],
  ['ispw_remove_from_release', { release_id: 'REL1', level: 'DEV1' }],
  ['ispw_cancel_release', { release_id: 'REL1' }],
  ['ispw_close_release', { release_id: 'REL1' }],
  ['ispw_list_sets', {}],
  ['ispw_get_set', { set_id: 'S1' }],
  ['ispw_set_action', { set_id: 'S1', action: 'hold' }],
  ['ispw_list_tasks', { container_type: 'assignment', container_id: 'A1' }],
  ['ispw_list_tasks', { container_type: 'release', container_id: 'R1' }],
  ['ispw_list_tasks', { container_type: 'set', container_id: 'S1' }],
  ['ispw_get_task', { container_type: 'assignment', container_id: 'A1', task_id: 'T1' }],
  ['ispw_get_task', { container_type: 'release', container_id: 'R1', task_id: 'T1' }],
  ['ispw_get_task_listing', { release_id: 'R1', task_id: 'T1' }],
  ['ispw_get_work_list', {}],
  ['ispw_load_task', { assignment_id: 'A1', module_name: 'M', module_type: 'COB', stream: 'S', application: 'A', level: 'DEV1', user_id: 'U' }],
  ['ispw_add_task', { assignment_id: 'A1', module_name: 'M', module_type: 'COB', stream: 'S', application: 'A', level: 'DEV1', checkout_from_level: 'QA' }],
  ['ispw_transfer_tasks', { assignment_id: 'A1', target_type: 'release', target_id: 'R1', level: 'DEV1' }],
  ['ispw_get_generate_parms', { task_id: 'T1', container_type: 'assignment', container_id: 'A1' }],
  ['ispw_generate_with_parms', { task_id: 'T1', container_type: 'assignment', container_id: 'A1', set_id: 'S1', parms: [{ category: 'C', name: 'N', value: 'V' }] }],
  ['ispw_list_deployments', {}],
  ['ispw_get_set_deployment', { set_id: 'S1' }],
  ['ispw_cancel_deployment', { request_id: '1' }],
  ['ispw_manage_release_deployments', { release_id: 'R1', action: 'restart' }],
  ['ispw_build', { container_type: 'release', container_id: 'R1', level: 'DEV1', assignment_id: 'A1' }],
  ['ispw_build', { container_type: 'assignment', container_id: 'A1', level: 'DEV1', task_ids: ['T1'] }],
  ['ispw_build', { container_type: 'assignment', container_id: 'A1', level: 'DEV1', await_in_ces: true }],
  ['ispw_generate', { container_type: 'assignment', container_id: 'A1', level: 'DEV1', task_ids: ['T1'] }],
  ['ispw_generate', { container_type: 'assignment', container_id: 'A1', level: 'DEV1', task_ids: ['T1'], await_in_ces: true }],
  ['ispw_deploy', { container_type: 'assignment', container_id: 'A1', level: 'DEV1', task_ids: ['T1'] }],
  ['ispw_fallback', { container_type: 'set', container_id: 'S1', level: 'DEV1' }],
  ...['generate', 'build', 'promote', 'deploy', 'regress', 'fallback'].flatMap((verb): [string, Record<string, unknown>][] => [
    [`ispw_${verb}`, { container_type: 'assignment', container_id: 'A1', level: 'DEV1' }],
    [`ispw_${verb}`, { container_type: 'release', container_id: 'R1', level: 'DEV1', assignment_id: 'A1' }],
  ]),
];

describe('operation coverage', () => {
  it('every operation of the CES catalogue is reachable from a tool', async () => {
    const used = new Set<string>();
    const ces: CesTarget = {
      instance: 'fake',
      srid: 'SRID',
      runtimeConfig: 'TPZP',
      async call<R>(op: Operation<R>, _input?: CallInput): Promise<R> {
        used.add(op.id);
        return op.reply.parse(op.id === 'set.get' ? { state: 'Closed', tasks: [{ taskId: 'T1' }] } : {});
      },
    };
    const ctx: ToolContext = {
      ces,
      signal: new AbortController().signal,
      logger: silentLogger(),
      wait: { pollIntervalMs: 1, maxWaitSeconds: 1 },
      progress: async () => {},
      sleep: async () => {},
    };
    for (const [name, args] of ROUTE_CASES) {
      const tool = ALL_TOOLS.find((t) => t.name === name)!;
      await tool.run(tool.input.parse(args), ctx);
    }
    const missing = Object.values(ops)
      .map((op) => op.id)
      .filter((id) => !used.has(id));
    expect(missing).toEqual([]);
  });
});
