// Builds the access-control pieces from the configuration: tool bounds, the policy source, the
// confirmation issuer, the CES identity resolver, limits, and (HTTP) the authentication gate and
// listener TLS material. Problems are ConfigErrors, reported before anything listens. The secrets
// of access control (confirmation key, per-user token directory, listener certificate and key) are
// registered with SecretHealth so /readyz reports them, and their rotations feed the reload metric.
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';

import { createAuthGate, type AuthGate, type ScopeDenial } from '../auth/http-gate.js';
import { createIdentityResolver } from '../auth/identity.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { mtlsConfigured, oauthConfigured } from '../config/access-schema.js';
import { ConfigError } from '../config/errors.js';
import { fileSource, type FileSource, type SecretReloadListener } from '../shared/file-source.js';
import { isLoopbackHost } from '../config/profiles.js';
import type { Config } from '../config/schema.js';
import type { SecretHealth } from '../config/secret-health.js';
import type { AnyToolDef } from '../mcp/kit/define-tool.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { boundTools, checkBounds, type ToolsetInfo } from '../policy/bounds.js';
import { createConfirmations, MIN_KEY_BYTES } from '../policy/confirmations.js';
import { createHumanConfirmations } from '../policy/human-confirmation.js';
import type { AccessControl } from '../policy/guard.js';
import { createCesConcurrency, createRateLimiter } from '../policy/limits.js';
import { PolicyError, staticPolicy, watchPolicyFile } from '../policy/source.js';

export interface AccessSetup {
  /** The tools within the server's bounds. */
  tools: AnyToolDef[];
  access: AccessControl;
  /** A policy file is configured (write tools then take confirmation_token/ticket). */
  confirmable: boolean;
  gate: AuthGate | undefined;
  /** The HTTP listener's certificate, key and client CA, read from their files at each check (they rotate). */
  tls: { cert: () => string | undefined; key: () => string | undefined; clientCa?: (() => string | undefined) | undefined } | undefined;
  close(): void;
}

function readPem(what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${what}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}

export interface AccessDeps {
  logger: Logger;
  tools: readonly AnyToolDef[];
  toolsets: readonly ToolsetInfo[];
  /** Counts denials, confirmations, auth failures and limits; undefined when nothing serves /metrics. */
  metrics?: Metrics | undefined;
  /** Readiness: the access-control secrets are registered here. */
  secretHealth?: SecretHealth | undefined;
  /** Told of each rotation or failed re-read of an access-control secret file. */
  onSecretReload?: SecretReloadListener | undefined;
  /** Records a tools/call the HTTP gate refuses for a missing scope (the auth.denied audit event). */
  onScopeDenied?: ((denial: ScopeDenial) => Promise<void>) | undefined;
}

/** A readable directory (the per-user token mount); checked live, there is no value to keep. */
function readableDirectory(dir: string): () => string | undefined {
  return () => {
    try {
      accessSync(dir, fsConstants.R_OK | fsConstants.X_OK);
      return statSync(dir).isDirectory() ? dir : undefined;
    } catch {
      return undefined;
    }
  };
}

export function setupAccess(config: Config, deps: AccessDeps): AccessSetup {
  const { logger, metrics, secretHealth } = deps;
  const files: FileSource[] = [];
  // An open binding without --allow-unauthenticated is refused when the configuration is loaded
  // (config/load.ts, with `config check`); here only the accepted risk is logged.
  if (config.transport === 'http' && config.auth.allowUnauthenticated && !isLoopbackHost(config.http.host)) {
    logger.warn({ host: config.http.host }, 'HTTP clients are not authenticated on a non-loopback address (--allow-unauthenticated)');
  }
  const a = config.access;
  const bounds = { readOnly: a.readOnly, toolsets: a.toolsets, allow: a.toolsAllow, deny: a.toolsDeny };
  const problems = checkBounds(bounds, deps.tools, deps.toolsets);
  if (problems.length) throw new ConfigError(problems.map((p) => `access.${p} (ISPW_MCP_TOOLSETS / ISPW_MCP_TOOLS_ALLOW / ISPW_MCP_TOOLS_DENY)`));
  const tools = boundTools(deps.tools, bounds, deps.toolsets);

  let policy;
  try {
    policy = a.policyFile ? watchPolicyFile(a.policyFile, { logger }) : staticPolicy();
  } catch (error) {
    if (error instanceof PolicyError) throw new ConfigError([`access.policyFile (ISPW_MCP_POLICY_FILE): ${error.message}`]);
    throw error;
  }
  const key = a.confirmKeyFile ? fileSource(a.confirmKeyFile, { logger, onReload: deps.onSecretReload }) : undefined;
  if (a.confirmKeyFile && (key?.() ?? '').length < 32) {
    key?.close();
    throw new ConfigError([`access.confirmKeyFile (ISPW_MCP_CONFIRM_KEY_FILE): ${a.confirmKeyFile} is missing or holds fewer than 32 bytes`]);
  }
  const usableKey = () => {
    const value = key?.();
    return value !== undefined && Buffer.byteLength(value) >= MIN_KEY_BYTES ? value : undefined;
  };
  // A key rotated to something too short would make every confirmation fail: not ready.
  if (key) secretHealth?.register(`access.confirmKeyFile (${key.path})`, usableKey);
  // Confirmations exist only with a policy file; without a shared key they work on one replica only.
  if (a.policyFile) metrics?.confirmationKeyShared(() => usableKey() !== undefined);
  // Per-user mode cannot serve anyone without its token mount. One user's missing file is that
  // user's error (a clear tool error), not the replica's: user files are not registered one by one.
  if (config.identity.mode === 'per-user' && config.identity.userTokenDir) {
    secretHealth?.register(`identity.userTokenDir (${config.identity.userTokenDir})`, readableDirectory(config.identity.userTokenDir));
  }
  if (a.policyFile && !key && config.transport === 'http') {
    logger.warn('no ISPW_MCP_CONFIRM_KEY_FILE: confirmation tokens are signed with a per-process key and work only on this replica');
  }
  const identities = createIdentityResolver({
    mode: config.identity.mode,
    userTokenDir: config.identity.userTokenDir,
    readFallback: config.identity.readFallback,
    logger,
    onReload: deps.onSecretReload,
  });
  const access: AccessControl = {
    identities,
    policy,
    confirmations: createConfirmations({ key, ttlSeconds: a.confirmTtlSeconds, logger }),
    humans: createHumanConfirmations({ key, ttlSeconds: a.confirmTtlSeconds, answerSeconds: a.confirmAnswerSeconds }),
    profile: config.profile,
    rateLimiter: createRateLimiter(config.limits.callsPerMinute),
    concurrency: createCesConcurrency(config.limits.cesConcurrency, undefined, () => metrics?.rateLimit('concurrency'), config.limits.cesAwaitConcurrency),
    metrics,
  };

  let gate: AuthGate | undefined;
  let tls: AccessSetup['tls'];
  if (config.transport === 'http') {
    const auth = config.auth;
    let oauth;
    if (oauthConfigured(config)) {
      try {
        oauth = {
          issuer: auth.issuer!,
          resource: auth.audience!,
          verifier: createJwtVerifier({
            issuer: auth.issuer!,
            audience: auth.audience!,
            jwksUrl: auth.jwksUrl,
            algorithms: auth.algorithms,
            identityClaim: config.identity.claim,
            logger,
          }),
        };
      } catch (error) {
        throw new ConfigError([`auth (ISPW_MCP_AUTH_*): ${(error as Error).message}`]);
      }
    }
    const mtls = mtlsConfigured(config) ? { scopes: auth.tls.clientScopes, field: auth.tls.clientIdentityField } : undefined;
    gate = createAuthGate({
      tools,
      ...(oauth ? { oauth } : {}),
      ...(mtls ? { mtls } : {}),
      ...(metrics ? { onFailure: (reason) => metrics.authFailure(reason) } : {}),
      ...(deps.onScopeDenied ? { onScopeDenied: deps.onScopeDenied } : {}),
    });
    if (auth.tls.certFile && auth.tls.keyFile) {
      // Read once here so a missing or unreadable file stops the start with a clear message; the
      // listener then follows the files (src/transports/listener-tls.ts), and /readyz shows a mount
      // that has gone bad (no PEM in it).
      readPem('auth.tls.certFile (ISPW_MCP_HTTP_TLS_CERT_FILE)', auth.tls.certFile);
      readPem('auth.tls.keyFile (ISPW_MCP_HTTP_TLS_KEY_FILE)', auth.tls.keyFile);
      if (auth.tls.clientCaFile) readPem('auth.tls.clientCaFile (ISPW_MCP_HTTP_CLIENT_CA_FILE)', auth.tls.clientCaFile);
      const pem = (name: string, path: string) => {
        const source = fileSource(path, { logger, trim: false, onReload: deps.onSecretReload });
        files.push(source);
        const usable = () => {
          const value = source();
          return value !== undefined && value.includes('-----BEGIN ') ? value : undefined;
        };
        secretHealth?.register(`${name} (${path})`, usable);
        return usable;
      };
      tls = {
        cert: pem('auth.tls.certFile', auth.tls.certFile),
        key: pem('auth.tls.keyFile', auth.tls.keyFile),
        clientCa: auth.tls.clientCaFile ? pem('auth.tls.clientCaFile', auth.tls.clientCaFile) : undefined,
      };
    }
  }
  logger.info(
    {
      tools: tools.length,
      readOnly: a.readOnly,
      policy: a.policyFile ?? null,
      identity: config.identity.mode,
      oauth: config.transport === 'http' && oauthConfigured(config),
      mtls: config.transport === 'http' && mtlsConfigured(config),
    },
    'access control',
  );
  return {
    tools,
    access,
    confirmable: Boolean(a.policyFile),
    gate,
    tls,
    close() {
      policy.close();
      key?.close();
      identities.close();
      for (const f of files.splice(0)) f.close();
    },
  };
}
