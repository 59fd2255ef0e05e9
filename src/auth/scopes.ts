// OAuth scopes of this server and which one each tool call needs. Scopes are independent (no
// hierarchy): a client asks for exactly what it needs, e.g. `ispw:read ispw:write`. The tool's kind
// decides the scope; putting code into or out of a runtime environment (deploy, fallback, regress,
// deployment management) and the destructive set actions need `ispw:deploy`.
import type { AnyToolDef } from '../mcp/kit/define-tool.js';

export const SCOPES = ['ispw:read', 'ispw:write', 'ispw:deploy'] as const;
export type Scope = (typeof SCOPES)[number];

/** Tools whose every call changes what runs in an environment. */
const DEPLOY_TOOLS = new Set(['ispw_deploy', 'ispw_fallback', 'ispw_regress', 'ispw_cancel_deployment', 'ispw_manage_release_deployments']);

/** Set actions that stop work irrecoverably or let changes through an approval gate. */
export const DESTRUCTIVE_SET_ACTIONS = new Set(['delete', 'terminate', 'approve', 'deny', 'reset']);

/** The scope needed to see a tool in tools/list (the least any call of it needs). */
export function scopeToList(tool: Pick<AnyToolDef, 'name' | 'kind'>): Scope {
  if (tool.kind === 'read') return 'ispw:read';
  return DEPLOY_TOOLS.has(tool.name) ? 'ispw:deploy' : 'ispw:write';
}

/** The scope one call needs, which can depend on its arguments (set actions). */
export function scopeForCall(tool: Pick<AnyToolDef, 'name' | 'kind'>, args: Record<string, unknown> | undefined): Scope {
  if (tool.name === 'ispw_set_action' && typeof args?.action === 'string' && DESTRUCTIVE_SET_ACTIONS.has(args.action)) {
    return 'ispw:deploy';
  }
  return scopeToList(tool);
}

/** Parses scopes from JWT claims: `scope` (space-separated, RFC 8693/9068) or `scp` (array or string). */
export function scopesFromClaims(claims: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const add = (value: unknown) => {
    const items: unknown[] = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const s of items) if (typeof s === 'string' && s !== '') out.add(s);
  };
  add(claims.scope);
  add(claims.scp);
  return [...out];
}
