// Configuration of access control and operational safety (issue #4): OAuth for HTTP clients, mTLS
// client identity, per-user CES identity, tool bounds, the policy file, confirmations and limits.
// Kept apart from schema.ts so the whole area reads in one place; schema.ts includes it. Unknown keys
// are reported by the profile checks like everywhere in the configuration (unknown-keys.ts).
import { z } from 'zod';

import { SCOPES } from '../shared/scopes.js';

// Asymmetric algorithms only: an HMAC algorithm would let anyone holding the public JWKS forge tokens.
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export const AuthSchema = z.object({
  /** OAuth issuer (authorization server) whose access tokens are accepted. */
  issuer: z.string().min(1).optional(),
  /** Canonical URL of this MCP endpoint, e.g. https://ispw-mcp.example.com/mcp (the token audience). */
  audience: z.url({ protocol: /^https?$/ }).optional(),
  /** JWKS URL; default: discovered from the issuer's metadata. */
  jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
  algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).default(['RS256', 'ES256']),
  /** Bind a non-loopback address with no client authentication (refused in prod). */
  allowUnauthenticated: z.boolean().default(false),
  /** TLS on the HTTP listener, optionally with client certificates (mTLS). */
  tls: z
    .strictObject({
      certFile: z.string().min(1).optional(),
      keyFile: z.string().min(1).optional(),
      /** CA that signs client certificates; set: clients must present one (mTLS). */
      clientCaFile: z.string().min(1).optional(),
      /** Scopes granted to callers identified by a client certificate (when no OAuth is configured). */
      clientScopes: z.array(z.enum(SCOPES)).min(1).default(['ispw:read']),
      /** Certificate subject field naming the caller. */
      clientIdentityField: z.enum(['CN', 'emailAddress']).default('CN'),
    })
    .default({ clientScopes: ['ispw:read'], clientIdentityField: 'CN' }),
});

export const IdentitySchema = z.object({
  mode: z.enum(['service', 'per-user']).default('service'),
  /** Token claim naming the caller's mainframe user (per-user mode, audit). */
  claim: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/)
    .default('sub'),
  /** Directory of per-user CES token files, named by the claim value. */
  userTokenDir: z.string().min(1).optional(),
  /** Read tools may use the instance's (read-only) service token when a caller has no token file. */
  readFallback: z.boolean().default(false),
});

export const AccessSchema = z.object({
  readOnly: z.boolean().default(false),
  toolsets: z.array(z.string().min(1)).default([]),
  toolsAllow: z.array(z.string().min(1)).default([]),
  toolsDeny: z.array(z.string().min(1)).default([]),
  /** Lifecycle policy file (YAML), hot-reloaded. */
  policyFile: z.string().min(1).optional(),
  /** Secret file with the key that signs confirmation tokens (shared by all replicas, ≥ 32 bytes). */
  confirmKeyFile: z.string().min(1).optional(),
  confirmTtlSeconds: z.number().int().min(30).max(900).default(180),
  /** How long a 2025-era call waits for a person to answer an elicitation before it changes nothing. */
  confirmAnswerSeconds: z.number().int().min(5).max(900).default(120),
});

export const LimitsSchema = z.object({
  /** Tool calls per minute per caller (per replica); 0: unlimited. */
  callsPerMinute: z.number().int().min(0).max(100000).default(120),
  /** Concurrent CES requests per CES instance (per replica); 0: unlimited. */
  cesConcurrency: z.number().int().min(0).max(1000).default(16),
  /** Concurrent awaited CES requests (generate-await, build-await) per CES instance, apart from cesConcurrency and in their own socket pool; 0: they share both. */
  cesAwaitConcurrency: z.number().int().min(0).max(10000).default(256),
});

const ACCESS_DEFAULTS = {
  auth: AuthSchema.parse({}),
  identity: IdentitySchema.parse({}),
  access: AccessSchema.parse({}),
  limits: LimitsSchema.parse({}),
};

/** The fields schema.ts adds to the configuration object. */
export const accessConfigShape = {
  auth: AuthSchema.default(ACCESS_DEFAULTS.auth),
  identity: IdentitySchema.default(ACCESS_DEFAULTS.identity),
  access: AccessSchema.default(ACCESS_DEFAULTS.access),
  limits: LimitsSchema.default(ACCESS_DEFAULTS.limits),
};

type AccessConfig = {
  transport: string;
  http: { host: string };
  auth: z.output<typeof AuthSchema>;
  identity: z.output<typeof IdentitySchema>;
};

/** Whether HTTP callers must authenticate: OAuth configured, or mutual TLS on the listener. */
export const oauthConfigured = (config: Pick<AccessConfig, 'auth'>) => Boolean(config.auth.issuer && config.auth.audience);
export const mtlsConfigured = (config: Pick<AccessConfig, 'auth'>) => Boolean(config.auth.tls.clientCaFile);

/**
 * Refusal to bind a non-loopback address without client authentication unless the operator said
 * --allow-unauthenticated (an error of inspectConfig, so `config check` reports it and `serve` refuses
 * it; the report keeps the configuration for the table. The prod profile refuses the combination
 * anyway, profiles.ts `open-http`).
 */
export function openBindingProblem(config: AccessConfig, isLoopback: (host: string) => boolean): string | undefined {
  if (config.transport !== 'http' || isLoopback(config.http.host)) return undefined;
  if (oauthConfigured(config) || mtlsConfigured(config) || config.auth.allowUnauthenticated) return undefined;
  return `http.host (ISPW_MCP_HOST) ${config.http.host} is not a loopback address and HTTP clients are not authenticated: configure OAuth (ISPW_MCP_AUTH_ISSUER, ISPW_MCP_AUTH_AUDIENCE) or mutual TLS (ISPW_MCP_HTTP_CLIENT_CA_FILE), or accept the risk with --allow-unauthenticated (refused in prod)`;
}

/** Cross-field checks of the access settings; returns problems (empty: fine). */
export function accessProblems(config: AccessConfig): string[] {
  const problems: string[] = [];
  const a = config.auth;
  if (Boolean(a.issuer) !== Boolean(a.audience)) {
    problems.push(
      "auth: ISPW_MCP_AUTH_ISSUER and ISPW_MCP_AUTH_AUDIENCE go together (the audience is this server's canonical URL, e.g. https://ispw-mcp.example.com/mcp)",
    );
  }
  if (a.jwksUrl && !a.issuer) problems.push('auth.jwksUrl (ISPW_MCP_AUTH_JWKS_URL): needs ISPW_MCP_AUTH_ISSUER');
  if (Boolean(a.tls.certFile) !== Boolean(a.tls.keyFile))
    problems.push('auth.tls: the listener certificate and key files go together (ISPW_MCP_HTTP_TLS_CERT_FILE, ISPW_MCP_HTTP_TLS_KEY_FILE)');
  if (a.tls.clientCaFile && !a.tls.certFile)
    problems.push('auth.tls.clientCaFile (ISPW_MCP_HTTP_CLIENT_CA_FILE): mutual TLS needs the listener certificate and key too');
  const authenticated = oauthConfigured(config) || mtlsConfigured(config);
  if (config.identity.mode === 'per-user') {
    if (!config.identity.userTokenDir) problems.push('identity.userTokenDir (ISPW_MCP_USER_TOKEN_DIR): required in per-user identity mode');
    if (config.transport !== 'http' || !authenticated) {
      problems.push(
        'identity.mode per-user (ISPW_MCP_IDENTITY_MODE): needs the HTTP transport with client authentication (ISPW_MCP_AUTH_ISSUER/AUDIENCE, or a client CA)',
      );
    }
  }
  return problems;
}
