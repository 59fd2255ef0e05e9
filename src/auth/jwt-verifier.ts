// Validates OAuth access tokens (JWTs) as an OAuth 2.1 resource server: signature against the
// issuer's JWKS (fetched and cached by jose, re-fetched for an unknown `kid`), issuer, audience bound
// to this server's canonical URL (RFC 8707), `exp` required, `nbf` honoured, and only the configured
// algorithms (never `none`, never HMAC with a public key). The JWKS location is discovered from the
// issuer's metadata when not configured. Every failure becomes OAuthError(invalid_token) with a
// reason safe to show; the token itself is never logged.
import { OAuthError, OAuthErrorCode, type AuthInfo, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
import type { createRemoteJWKSet, JWTPayload } from 'jose';

import { joseErrorsIfLoaded, loadJose } from '../shared/lazy-jose.js';
import type { Logger } from '../telemetry/logger.js';
import { withReason, type AuthFailureReason } from './failure-reasons.js';
import type { Principal } from './principal.js';
import { withPrincipal } from './principal.js';
import { scopesFromClaims } from './scopes.js';

export interface JwtVerifierOptions {
  issuer: string;
  /** This server's canonical resource URL; tokens must carry it in `aud`. */
  audience: string;
  /** JWKS URL; discovered from `<issuer>/.well-known/openid-configuration` (or oauth-authorization-server) when absent. */
  jwksUrl?: string;
  algorithms: readonly string[];
  /** Claim whose value names the caller's mainframe identity (per-user mode) and shows in audit. */
  identityClaim: string;
  /** Allowed clock skew for exp/nbf/iat. */
  clockToleranceSeconds?: number;
  /** Timeout of JWKS and metadata fetches. */
  fetchTimeoutMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** HTTPS is required for the issuer and JWKS, except on loopback (tests, local IdPs). */
export function assertSecureUrl(what: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`${what} must use https:// (http:// is accepted only on loopback): ${value}`);
  }
  return url;
}

const invalid = (reason: string) => new OAuthError(OAuthErrorCode.InvalidToken, reason);

function reasonOf(error: unknown): [AuthFailureReason, string] {
  // A jose error exists only if jose was loaded; without it nothing below can match.
  const joseErrors = joseErrorsIfLoaded();
  if (joseErrors === undefined) return ['invalid_token', 'The token could not be verified'];
  if (error instanceof joseErrors.JWTExpired) return ['expired', 'The token has expired'];
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return ['not_yet_valid', 'The token is not yet valid'];
    if (error.claim === 'iss') return ['wrong_issuer', 'The token was issued by an untrusted issuer'];
    if (error.claim === 'aud') return ['wrong_audience', 'The token was not issued for this resource'];
    return ['invalid_claims', `The token's ${error.claim} claim is invalid`];
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return ['algorithm_not_allowed', 'The token is signed with an algorithm this server does not accept'];
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return ['bad_signature', 'The token signature is invalid'];
  if (error instanceof joseErrors.JWKSNoMatchingKey) return ['unknown_key', 'The token is signed with a key the issuer does not publish'];
  if (error instanceof joseErrors.JWTInvalid || error instanceof joseErrors.JWSInvalid) return ['malformed_token', 'The token is malformed'];
  return ['invalid_token', 'The token could not be verified'];
}

export function createJwtVerifier(options: JwtVerifierOptions): OAuthTokenVerifier & { jwksUrl(): Promise<URL> } {
  const issuer = assertSecureUrl('ISPW_MCP_AUTH_ISSUER', options.issuer).href.replace(/\/$/, '');
  const issuers = [...new Set([options.issuer, issuer, `${issuer}/`])];
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.fetchTimeoutMs ?? 5000;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  let jwksUrl: Promise<URL> | undefined;

  const discover = async (): Promise<URL> => {
    if (options.jwksUrl) return assertSecureUrl('ISPW_MCP_AUTH_JWKS_URL', options.jwksUrl);
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      try {
        const response = await doFetch(`${issuer}${path}`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
        if (!response.ok) continue;
        const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
        if (typeof metadata.jwks_uri !== 'string') continue;
        if (typeof metadata.issuer === 'string' && !issuers.includes(metadata.issuer)) {
          throw new Error(`the issuer metadata at ${path} names issuer ${metadata.issuer}, not ${issuer}`);
        }
        return assertSecureUrl('jwks_uri from the issuer metadata', metadata.jwks_uri);
      } catch (error) {
        options.logger?.warn({ issuer, path, reason: (error as Error).message }, 'issuer metadata discovery failed');
      }
    }
    throw new Error(`cannot discover the JWKS of ${issuer}; set ISPW_MCP_AUTH_JWKS_URL`);
  };

  const keys = async () => {
    if (jwks) return jwks;
    jwksUrl ??= discover().catch((error: unknown) => {
      jwksUrl = undefined; // try again on the next request
      throw error;
    });
    const url = await jwksUrl;
    const { createRemoteJWKSet } = await loadJose();
    jwks ??= createRemoteJWKSet(url, { timeoutDuration: timeoutMs, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    return jwks;
  };

  return {
    jwksUrl: async () => {
      await keys();
      return jwksUrl!;
    },
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        const keySet = await keys().catch((error: unknown) => {
          options.logger?.error({ reason: (error as Error).message }, 'cannot load the issuer keys');
          throw withReason(new OAuthError(OAuthErrorCode.ServerError, 'The authorization server keys are unavailable'), 'issuer_unavailable');
        });
        const { jwtVerify } = await loadJose();
        ({ payload } = await jwtVerify(token, keySet, {
          issuer: issuers,
          audience: options.audience,
          algorithms: [...options.algorithms],
          requiredClaims: ['exp', 'sub'],
          clockTolerance: options.clockToleranceSeconds ?? 30,
        }));
      } catch (error) {
        if (error instanceof OAuthError) throw error;
        const [code, reason] = reasonOf(error);
        options.logger?.info({ reason, code: (error as { code?: string }).code }, 'bearer token rejected');
        throw withReason(invalid(reason), code);
      }
      const claims = payload as Record<string, unknown>;
      const claim = claims[options.identityClaim];
      const principal: Principal = {
        subject: String(payload.sub),
        identity: typeof claim === 'string' && claim !== '' ? claim : undefined,
        clientId: typeof claims.azp === 'string' ? claims.azp : typeof claims.client_id === 'string' ? claims.client_id : undefined,
        scopes: new Set(scopesFromClaims(claims)),
        via: 'oauth',
      };
      return withPrincipal(
        {
          // The caller's token is not kept: nothing downstream needs it, and it must never reach CES.
          token: '',
          clientId: principal.clientId ?? principal.subject,
          scopes: [...principal.scopes],
          expiresAt: payload.exp,
          resource: new URL(options.audience),
        },
        principal,
      );
    },
  };
}
