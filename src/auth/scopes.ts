// OAuth scopes of this server and which one each tool call needs. Scopes are independent (no
// hierarchy): a client asks for exactly what it needs, e.g. `ispw:read ispw:write`. Which scope a
// call needs is declared by the tool itself (its `kind` and `access`, src/mcp/kit/access.ts); this
// module only reads that declaration and parses scopes out of tokens.
import { callScope, listScope, type AccessFacts, type Scope } from '../mcp/kit/access.js';

export { SCOPES, type Scope } from '../shared/scopes.js';

/** The scope needed to see a tool in tools/list (the least any call of it needs). */
export const scopeToList = (tool: AccessFacts): Scope => listScope(tool);

/** The scope one call needs, which can depend on its arguments (a tool split by action). */
export const scopeForCall = (tool: AccessFacts, args: Record<string, unknown> | undefined): Scope => callScope(tool, args);

/** Parses scopes from JWT claims: `scope` (space-separated, RFC 8693/9068) or `scp` (array or string). */
export function scopesFromClaims(claims: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const add = (value: unknown) => {
    const items: unknown[] = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const item of items) if (typeof item === 'string' && item !== '') out.add(item);
  };
  add(claims.scope);
  add(claims.scp);
  return [...out];
}
