// Every tool's declared examples (src/mcp/kit/define-tool.ts), run through the MCP server against a
// fresh CES simulator each: the succeeding ones must succeed, the failing ones must be refused as
// tool errors. Together the succeeding examples must reach every operation of the CES catalogue,
// so an operation no tool can reach — or a tool whose examples do not reach its own routes — fails.
import { describe, expect, it } from 'vitest';

import { ops } from '../../src/ces/operations.js';
import type { AnyToolDef } from '../../src/mcp/kit/define-tool.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { startHarness, textOf } from '../support/harness.js';

/** Runs one example on a fresh simulator; returns the result and the CES operations it reached. */
async function runExample(tool: AnyToolDef, args: Record<string, unknown>) {
  const operations = new Set<string>();
  const harness = await startHarness({ observer: { requestStarted: (info) => (operations.add(info.operation), undefined) } });
  try {
    return { result: await harness.call(tool.name, args), operations };
  } finally {
    await harness.close();
  }
}

const succeeding = ALL_TOOLS.flatMap((tool) => tool.examples.succeeds.map((example, index) => ({ tool, example, index })));
const failing = ALL_TOOLS.flatMap((tool) => tool.examples.fails.map((example, index) => ({ tool, example, index })));

/** Which operations each tool's succeeding examples reached (filled by the first describe block). */
const reached = new Map<string, Set<string>>();

/** Catalogue operations that none of the given tools' examples reached. */
const uncovered = (tools: readonly AnyToolDef[]) => {
  const used = new Set(tools.flatMap((tool) => [...(reached.get(tool.name) ?? [])]));
  return Object.values(ops)
    .map((op) => op.id)
    .filter((id) => !used.has(id));
};

describe('tool examples against the simulator', () => {
  it.each(succeeding.map((c) => [`${c.tool.name} #${c.index + 1}: ${c.example.shows}`, c] as const))('%s succeeds', async (_title, { tool, example }) => {
    const { result, operations } = await runExample(tool, example.args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toBeDefined();
    expect(operations.size, 'an example that reaches no CES operation proves nothing about the tool').toBeGreaterThan(0);
    const seen = reached.get(tool.name) ?? new Set<string>();
    for (const op of operations) seen.add(op);
    reached.set(tool.name, seen);
  });

  it.each(failing.map((c) => [`${c.tool.name} fails #${c.index + 1}: ${c.example.because}`, c] as const))('%s', async (_title, { tool, example }) => {
    const { result } = await runExample(tool, example.args);
    expect(result.isError, textOf(result)).toBe(true);
    // A refusal says what was wrong: never an internal error with only a correlation id.
    expect(textOf(result)).not.toMatch(/internal error/);
  });
});

describe('catalogue coverage by the examples', () => {
  it('every operation of the CES catalogue is reached by some succeeding example', () => {
    expect(reached.size, 'run together with the examples above').toBe(ALL_TOOLS.length);
    expect(uncovered(ALL_TOOLS)).toEqual([]);
  });

  it('the coverage check fails when a tool is left out (its operations go uncovered)', () => {
    const withoutDeploy = ALL_TOOLS.filter((t) => t.name !== 'ispw_deploy');
    expect(uncovered(withoutDeploy)).toContain(ops.deployTasks.id);
  });
});
