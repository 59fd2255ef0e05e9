// The authentication gate of the HTTP transport: Protected Resource Metadata (RFC 9728), bearer
// verification with the SDK's helpers (401 + `WWW-Authenticate: Bearer resource_metadata=…`),
// refusal of tokens in the query string, identity from a verified client certificate, and the
// per-call scope check of OAuth callers (403 `insufficient_scope` naming the scope) before a
// tools/call reaches MCP (the call wrapper's guard checks scopes again for every caller).
// Every refusal is reported by reason (`onFailure`, the auth-failure metric); a scope refusal of a
// tools/call is also handed to `onScopeDenied` (the auth.denied audit event) before the 403 is sent.
import {
  bearerAuthChallengeResponse,
  buildOAuthProtectedResourceMetadata,
  getOAuthProtectedResourceMetadataUrl,
  OAuthError,
  OAuthErrorCode,
  verifyBearerToken,
  type AuthInfo,
  type OAuthMetadata,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import type { PeerCertificate } from 'node:tls';

import type { AnyToolDef } from '../mcp/kit/define-tool.js';
import { reasonOfOAuthError, type AuthFailureReason } from './failure-reasons.js';
import { principalFromCertificate, type CertificateIdentityField } from './mtls.js';
import { authInfoFor, principalOf, type Principal } from './principal.js';
import { SCOPES, scopeForCall } from './scopes.js';

export interface OAuthGateOptions {
  verifier: OAuthTokenVerifier;
  issuer: string;
  /** Canonical URL of this MCP endpoint (the token audience and the PRM `resource`). */
  resource: string;
}

export interface AuthGateOptions {
  oauth?: OAuthGateOptions;
  /** Client certificates name the caller (the listener already verified them). */
  mtls?: { scopes: readonly string[]; field?: CertificateIdentityField };
  tools: readonly AnyToolDef[];
  /** Called once per refused request with a bounded reason (metrics). */
  onFailure?: (reason: AuthFailureReason) => void;
  /** Called, and awaited, for each tools/call refused for a missing scope (audit). */
  onScopeDenied?: (denial: ScopeDenial) => Promise<void>;
}

/** A tools/call the gate refused with 403 insufficient_scope: what audit needs to record it. */
export interface ScopeDenial {
  principal: Principal;
  tool: AnyToolDef;
  /** The call's arguments as sent (srid and control arguments included). */
  args: Record<string, unknown>;
  neededScope: string;
  /** JSON-RPC id of the refused request. */
  requestId: string | number | null;
  /** `_meta` of the request (2026-era client info, traceparent). */
  meta: Record<string, unknown> | undefined;
}

/** Query parameters that carry tokens in other APIs; never accepted here (OAuth 2.1 §5.1.1). */
const TOKEN_PARAMS = ['access_token', 'token', 'id_token'];

export interface AuthGate {
  /** True when callers must authenticate (OAuth or mTLS configured). */
  readonly enabled: boolean;
  /** The PRM document for `/.well-known/oauth-protected-resource[/mcp]`, or undefined for other paths. */
  metadata(path: string, method: string): Response | undefined;
  /** AuthInfo for an authenticated caller, undefined when authentication is off, or the refusal to send. */
  authenticate(input: { url: URL; authorization: string | undefined; peerCertificate: PeerCertificate | undefined }): Promise<AuthInfo | Response | undefined>;
  /** 403 when a tools/call in the JSON-RPC body needs a scope the caller lacks (reported before it resolves). */
  scopeChallenge(body: unknown, authInfo: AuthInfo | undefined): Promise<Response | undefined>;
}

export function createAuthGate(options: AuthGateOptions): AuthGate {
  const tools = new Map(options.tools.map((t) => [t.name, t]));
  const oauth = options.oauth;
  const resourceUrl = oauth ? new URL(oauth.resource) : undefined;
  const resourceMetadataUrl = resourceUrl ? getOAuthProtectedResourceMetadataUrl(resourceUrl) : undefined;
  const metadataPaths = resourceMetadataUrl ? new Set([new URL(resourceMetadataUrl).pathname, '/.well-known/oauth-protected-resource']) : new Set<string>();
  const document = oauth
    ? buildOAuthProtectedResourceMetadata({
        // Only `issuer` is read; the resource server does not proxy the authorization server.
        oauthMetadata: { issuer: oauth.issuer } as OAuthMetadata,
        resourceServerUrl: resourceUrl!,
        scopesSupported: [...SCOPES],
        resourceName: 'ispw-mcp (BMC AMI DevX Code Pipeline)',
        dangerouslyAllowInsecureIssuerUrl: /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(oauth.issuer),
      })
    : undefined;
  const challenge = (error: OAuthError, requiredScopes?: string[]) =>
    bearerAuthChallengeResponse(error, { resourceMetadataUrl, ...(requiredScopes ? { requiredScopes } : {}) });
  const failed = (reason: AuthFailureReason) => {
    try {
      options.onFailure?.(reason);
    } catch {
      // a metrics hook never decides a request
    }
  };

  return {
    enabled: Boolean(oauth || options.mtls),
    metadata(path, method) {
      if (!document || !metadataPaths.has(path)) return undefined;
      if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET' } });
      return Response.json(document, { headers: { 'cache-control': 'public, max-age=300' } });
    },
    async authenticate({ url, authorization, peerCertificate }) {
      if (TOKEN_PARAMS.some((p) => url.searchParams.has(p))) {
        const error = new OAuthError(OAuthErrorCode.InvalidToken, 'Tokens are not accepted in the query string; send an Authorization: Bearer header');
        failed('token_in_query');
        return oauth ? challenge(error) : Response.json(error.toResponseObject(), { status: 400 });
      }
      if (oauth) {
        try {
          return await verifyBearerToken(authorization, {
            verifier: oauth.verifier,
            expectedResource: resourceUrl!,
            ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}),
          });
        } catch (error) {
          failed(reasonOfOAuthError(error));
          return challenge(error as OAuthError);
        }
      }
      if (options.mtls) {
        const principal = principalFromCertificate(peerCertificate, options.mtls);
        if (!principal) {
          failed('certificate_without_identity');
          return Response.json({ error: 'invalid_client', error_description: 'A client certificate naming the caller is required' }, { status: 401 });
        }
        // The certificate is valid for the connection; an hour is only a bound for the SDK's check.
        return authInfoFor(principal, Math.floor(Date.now() / 1000) + 3600);
      }
      return undefined;
    },
    async scopeChallenge(body, authInfo) {
      if (!authInfo || !oauth) return undefined;
      const principal = principalOf(authInfo);
      for (const message of Array.isArray(body) ? body : [body]) {
        const m = message as { method?: unknown; params?: { name?: unknown; arguments?: unknown } } | null;
        if (m?.method !== 'tools/call' || typeof m.params?.name !== 'string') continue;
        const tool = tools.get(m.params.name);
        if (!tool) continue;
        const needed = scopeForCall(tool, m.params.arguments as Record<string, unknown> | undefined);
        if (!principal.scopes.has(needed)) {
          failed('insufficient_scope');
          const args = (m.params.arguments ?? {}) as Record<string, unknown>;
          const meta = (m.params as { _meta?: Record<string, unknown> })._meta;
          const id = (m as { id?: unknown }).id;
          try {
            await options.onScopeDenied?.({
              principal,
              tool,
              args,
              neededScope: needed,
              requestId: typeof id === 'string' || typeof id === 'number' ? id : null,
              meta,
            });
          } catch {
            // the call is refused either way; the hook logs its own failures
          }
          return challenge(new OAuthError(OAuthErrorCode.InsufficientScope, `${tool.name} needs the ${needed} scope`), [needed]);
        }
      }
      return undefined;
    },
  };
}
