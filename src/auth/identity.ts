// Which mainframe identity a call uses at CES. `service`: the instance's configured token (the
// desktop case). `per-user`: the caller's identity claim names a token file in a directory mounted
// from a secret store (`<dir>/<instance>/<user>` first, then `<dir>/<user>`), re-read on rotation
// like every secret file. A caller without a mapping gets a clear error and nothing reaches CES;
// optionally, read tools fall back to the service token (which should then be a read-only one).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { interceptTarget, type CallOptions, type CesTarget } from '../ces/api.js';
import { fileSource, type FileSource, type SecretReloadListener } from '../shared/file-source.js';
import type { ToolKind } from '../mcp/kit/define-tool.js';
import type { Logger } from '../telemetry/logger.js';
import type { Principal } from './principal.js';

export type IdentityMode = 'service' | 'per-user';

export interface IdentityOptions {
  mode: IdentityMode;
  /** Directory of per-user CES token files (per-user mode). */
  userTokenDir?: string;
  /** Read tools may use the service token when the caller has no token of their own. */
  readFallback?: boolean;
  logger?: Logger;
  /** Most per-user token sources kept open (least recently used are dropped). */
  maxUsers?: number;
  /** Told of each rotation or failed re-read of a user's token file (the secret-reload metric). */
  onReload?: SecretReloadListener | undefined;
}

/** The CES identity one call acts under; `credential` undefined means the instance's own token. */
export interface CesIdentity {
  /** For logs and audit: `service`, or `user:<name>` (never a token). */
  readonly label: string;
  readonly credential: CallOptions['credential'];
}

export class IdentityError extends Error {
  override readonly name = 'IdentityError';
}

// A user name becomes a file name: no separators, no leading dot, nothing a shell or path would
// interpret. Claims outside this set are refused rather than mangled into someone else's name.
const SAFE_NAME = /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,127}$/;

export const SERVICE_IDENTITY: CesIdentity = Object.freeze({ label: 'service', credential: undefined });

export function createIdentityResolver(options: IdentityOptions) {
  const sources = new Map<string, FileSource>();
  const max = options.maxUsers ?? 1000;

  const sourceFor = (path: string): FileSource => {
    let source = sources.get(path);
    if (source) {
      sources.delete(path);
    } else {
      // No watcher per user: reads re-check the file at most once a second.
      source = fileSource(path, { logger: options.logger, watch: false, onReload: options.onReload });
      while (sources.size >= max) {
        const oldest = sources.keys().next().value as string;
        sources.get(oldest)?.close();
        sources.delete(oldest);
      }
    }
    sources.set(path, source);
    return source;
  };

  return {
    mode: options.mode,
    /** Resolves the identity for a call; throws IdentityError (nothing is sent to CES). */
    resolve(principal: Principal, instance: string, kind: ToolKind): CesIdentity {
      if (options.mode === 'service' || principal.via === 'local') return SERVICE_IDENTITY;
      const user = principal.identity;
      const fallback = (why: string): CesIdentity => {
        if (kind === 'read' && options.readFallback) return { label: 'service (read fallback)', credential: undefined };
        throw new IdentityError(why);
      };
      if (user === undefined)
        return fallback(
          'Your access token carries no identity claim naming your mainframe user; ask the operator to check ISPW_MCP_IDENTITY_CLAIM and the identity provider.',
        );
      if (!SAFE_NAME.test(user)) return fallback(`Your identity "${user.slice(0, 64)}" cannot name a CES token file; ask the operator to map it.`);
      const dir = options.userTokenDir!;
      const perInstance = join(dir, instance, user);
      const path = existsSync(perInstance) ? perInstance : join(dir, user);
      const source = sourceFor(path);
      if (source() === undefined) {
        sources.delete(path);
        source.close();
        return fallback(
          `No CES token is mapped for your identity "${user}" on CES instance "${instance}"; ask the operator to add one to the user token directory. Nothing was sent to CES.`,
        );
      }
      return {
        label: `user:${user}`,
        credential: { token: source, hint: `the CES token file for "${user}" is missing or empty`, identity: user },
      };
    },
    close() {
      for (const source of sources.values()) source.close();
      sources.clear();
    },
  };
}
export type IdentityResolver = ReturnType<typeof createIdentityResolver>;

/** A target whose calls carry the given credential (the CES client sends it instead of its own token). */
export function actingAs(target: CesTarget, identity: CesIdentity): CesTarget {
  if (identity.credential === undefined) return target;
  const credential = identity.credential;
  return { ...interceptTarget(target, (_operation, _input, options, next) => next({ ...options, credential })), identity: identity.label };
}
