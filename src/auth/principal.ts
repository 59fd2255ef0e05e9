// Who is calling: the authenticated principal of one MCP request. HTTP callers get one from a
// verified bearer token or a verified client certificate; stdio and unauthenticated loopback HTTP
// use the local principal (the desktop user), whose reach is bounded only by server settings.
import type { AuthInfo } from '@modelcontextprotocol/server';

import { SCOPES } from './scopes.js';

export interface Principal {
  /** Stable subject (the token's `sub`, or the certificate subject); used for binding and limits. */
  readonly subject: string;
  /** The value of the configured identity claim (e.g. `preferred_username`); selects a CES token in per-user mode. */
  readonly identity: string | undefined;
  /** OAuth client id (`azp`/`client_id`), when the token names one. */
  readonly clientId: string | undefined;
  readonly scopes: ReadonlySet<string>;
  readonly via: 'oauth' | 'mtls' | 'local';
}

export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  subject: 'local',
  identity: undefined,
  clientId: undefined,
  scopes: new Set<string>(SCOPES),
  via: 'local' as const,
});

const PRINCIPAL_KEY = 'ispwPrincipal';

/** Attaches a principal to the SDK's AuthInfo, which the SDK hands to tool callbacks. */
export function withPrincipal(info: AuthInfo, principal: Principal): AuthInfo {
  return { ...info, extra: { ...info.extra, [PRINCIPAL_KEY]: principal } };
}

/** The principal of a request; the local principal when the request carried no authentication. */
export function principalOf(info: AuthInfo | undefined): Principal {
  const principal = info?.extra?.[PRINCIPAL_KEY] as Principal | undefined;
  return principal ?? LOCAL_PRINCIPAL;
}

/** AuthInfo for a principal authenticated by other means than a bearer token (mTLS). */
export function authInfoFor(principal: Principal, expiresAt: number): AuthInfo {
  return withPrincipal({ token: '', clientId: principal.clientId ?? principal.subject, scopes: [...principal.scopes], expiresAt }, principal);
}
