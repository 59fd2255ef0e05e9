// The authentication gate of the HTTP transport: Protected Resource Metadata (RFC 9728), bearer
// verification with the SDK's helpers (401 + `WWW-Authenticate: Bearer resource_metadata=…`),
// refusal of tokens in the query string, identity from a verified client certificate, and the
// per-call scope check (403 `insufficient_scope` naming the scope) before a tools/call reaches MCP.
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
import { principalFromCertificate, type CertificateIdentityField } from './mtls.js';
import { authInfoFor, principalOf } from './principal.js';
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
  /** 403 when a tools/call in the JSON-RPC body needs a scope the caller lacks. */
  scopeChallenge(body: unknown, authInfo: AuthInfo | undefined): Response | undefined;
}

export function createAuthGate(options: AuthGateOptions): AuthGate {
  const tools = new Map(options.tools.map((t) => [t.name, t]));
  const oauth = options.oauth;
  const resourceUrl = oauth ? new URL(oauth.resource) : undefined;
  const resourceMetadataUrl = resourceUrl ? getOAuthProtectedResourceMetadataUrl(resourceUrl) : undefined;
  const metadataPaths = resourceMetadataUrl
    ? new Set([new URL(resourceMetadataUrl).pathname, '/.well-known/oauth-protected-resource'])
    : new Set<string>();
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
          return challenge(error as OAuthError);
        }
      }
      if (options.mtls) {
        const principal = principalFromCertificate(peerCertificate, options.mtls);
        if (!principal) {
          return Response.json({ error: 'invalid_client', error_description: 'A client certificate naming the caller is required' }, { status: 401 });
        }
        // The certificate is valid for the connection; an hour is only a bound for the SDK's check.
        return authInfoFor(principal, Math.floor(Date.now() / 1000) + 3600);
      }
      return undefined;
    },
    scopeChallenge(body, authInfo) {
      if (!authInfo || !oauth) return undefined;
      const principal = principalOf(authInfo);
      for (const message of Array.isArray(body) ? body : [body]) {
        const m = message as { method?: unknown; params?: { name?: unknown; arguments?: unknown } } | null;
        if (m?.method !== 'tools/call' || typeof m.params?.name !== 'string') continue;
        const tool = tools.get(m.params.name);
        if (!tool) continue;
        const needed = scopeForCall(tool, m.params.arguments as Record<string, unknown> | undefined);
        if (!principal.scopes.has(needed)) {
          return challenge(new OAuthError(OAuthErrorCode.InsufficientScope, `${tool.name} needs the ${needed} scope`), [needed]);
        }
      }
      return undefined;
    },
  };
}
