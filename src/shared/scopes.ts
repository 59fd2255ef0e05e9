// The OAuth scopes of this server: the vocabulary tools declare (src/mcp/kit/access.ts), tokens
// carry and the configuration names (mTLS client scopes). Independent, no hierarchy.
export const SCOPES = ['ispw:read', 'ispw:write', 'ispw:deploy'] as const;
export type Scope = (typeof SCOPES)[number];
