// Server-side bounds on the tool inventory: read-only mode, toolsets, allow and deny lists. They are
// an upper bound: scopes and the policy can only narrow them, nothing in a request can widen them.
// A tool outside the bounds is never registered, so it is neither listed nor callable.
import type { AnyToolDef } from '../mcp/kit/define-tool.js';

export interface ToolBounds {
  readOnly: boolean;
  /** Toolset ids to enable; empty or undefined: every default toolset. */
  toolsets?: readonly string[] | undefined;
  /** Tool names allowed; empty or undefined: all. */
  allow?: readonly string[] | undefined;
  /** Tool names removed, whatever else says. */
  deny?: readonly string[] | undefined;
}

export interface ToolsetInfo {
  readonly id: string;
  readonly default: boolean;
}

/** Checks names against the registry; returns problems (typos would otherwise silently widen or narrow). */
export function checkBounds(bounds: ToolBounds, tools: readonly AnyToolDef[], toolsets: readonly ToolsetInfo[]): string[] {
  const problems: string[] = [];
  const toolNames = new Set(tools.map((t) => t.name));
  const setIds = new Set(toolsets.map((t) => t.id));
  for (const id of bounds.toolsets ?? []) if (!setIds.has(id)) problems.push(`toolsets: unknown toolset "${id}" (known: ${[...setIds].join(', ')})`);
  for (const [list, names] of [
    ['tools allow', bounds.allow],
    ['tools deny', bounds.deny],
  ] as const) {
    for (const name of names ?? []) if (!toolNames.has(name)) problems.push(`${list}: unknown tool "${name}"`);
  }
  return problems;
}

export function boundTools(tools: readonly AnyToolDef[], bounds: ToolBounds, toolsets: readonly ToolsetInfo[]): AnyToolDef[] {
  const enabledSets = bounds.toolsets?.length ? new Set(bounds.toolsets) : new Set(toolsets.filter((t) => t.default).map((t) => t.id));
  const allow = bounds.allow?.length ? new Set(bounds.allow) : undefined;
  const deny = new Set(bounds.deny ?? []);
  return tools.filter(
    (t) => enabledSets.has(t.toolset) && !(bounds.readOnly && t.kind !== 'read') && (allow === undefined || allow.has(t.name)) && !deny.has(t.name),
  );
}
