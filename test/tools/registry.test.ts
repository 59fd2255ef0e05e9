// Generic checks over the whole tool registry: naming, descriptions, annotations, schemas,
// per-tool schema snapshots (test/__toolsnaps__, rewrite with UPDATE_TOOLSNAPS=1) and that
// docs/tools.md is current. The tools' examples are run against the simulator in examples.test.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import type { Tool } from '@modelcontextprotocol/server';
import { beforeAll, describe, expect, it } from 'vitest';

import { actionsOf, changeSubject, listScope, takesTicket } from '../../src/mcp/kit/access.js';
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

describe('access facts declared by the tools', () => {
  it('a tool takes a ticket exactly when it has a change type the ticket rule can key on', () => {
    for (const tool of ALL_TOOLS) expect(takesTicket(tool), tool.name).toBe('change_type' in tool.input.shape);
  });

  it("every change names what it acts on for each of its examples (a container, a deployment request, or a new container's stream and application)", () => {
    for (const tool of ALL_TOOLS.filter((t) => t.kind !== 'read')) {
      for (const example of tool.examples.succeeds) {
        const subject = changeSubject(tool, tool.input.parse(example.args));
        const named =
          subject?.container !== undefined || subject?.deploymentRequest !== undefined || (subject?.stream !== undefined && subject.application !== undefined);
        expect(named, `${tool.name}: ${example.shows}`).toBe(true);
      }
    }
  });

  it('only reads are listed under ispw:read; deploy-type changes need ispw:deploy to be seen', () => {
    for (const tool of ALL_TOOLS) expect(listScope(tool) === 'ispw:read', tool.name).toBe(tool.kind === 'read');
    const deploy = ALL_TOOLS.filter((t) => listScope(t) === 'ispw:deploy')
      .map((t) => t.name)
      .sort();
    expect(deploy).toEqual(['ispw_cancel_deployment', 'ispw_deploy', 'ispw_fallback', 'ispw_manage_release_deployments', 'ispw_regress']);
  });

  it('operations are unique per tool, so a policy rule names exactly what it means', () => {
    // Within one tool, argument values that do the same thing share their operation (ispw_fallback of
    // an assignment or a release is `fallback`; of a set, `fallback_set`).
    const operations = ALL_TOOLS.flatMap((tool) => [...new Set(actionsOf(tool).map((a) => a.operation))]);
    expect(new Set(operations).size).toBe(operations.length);
    // And the check fails when two tools share one.
    const twice = [...operations, operations[0]!];
    expect(new Set(twice).size).not.toBe(twice.length);
  });
});
