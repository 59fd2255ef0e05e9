// Signed confirmation tokens: the first call of an operation the policy wants confirmed returns a
// preview and a token; repeating the call with the token executes it. The token is an HS256 JWT
// (jose) signed with a key from a secret file shared by all replicas, bound to the caller, the tool,
// the canonical arguments and a digest of the CES state the preview showed, expiring in minutes.
//
// Single use without shared state: (1) each replica remembers the token ids it redeemed until they
// expire, so a replay at the same replica is refused; (2) at redemption the CES state the preview
// was built from is read again and must be unchanged — the executed operation changes it (tasks get
// a new set, operation and time stamp in CES), so a replay at ANY replica is refused once CES has
// recorded the first execution. The remaining window is two replicas redeeming the same token at
// the same moment, before CES records either; expiry (default 3 minutes) bounds it.
import { randomBytes, randomUUID } from 'node:crypto';

import { joseErrorsIfLoaded, loadJose } from '../shared/lazy-jose.js';
import type { Logger } from '../telemetry/logger.js';
import { digest } from './canonical.js';

const ISSUER = 'ispw-mcp';
const AUDIENCE = 'ispw-mcp:confirmation';
const TYPE = 'ispw-confirm+jwt';
export const MIN_KEY_BYTES = 32;

export interface ConfirmationBinding {
  /** The caller's subject. */
  subject: string;
  tool: string;
  /** Arguments without confirmation_token (srid and ticket included). */
  args: Record<string, unknown>;
  /** Digest of the CES state the preview showed (undefined when the operation has none). */
  state?: string | undefined;
  /** The policy rule that asked for confirmation. */
  rule: string;
}

export type ConfirmationFailure = 'invalid' | 'expired' | 'caller' | 'tool' | 'arguments' | 'state' | 'replayed';

export class ConfirmationError extends Error {
  override readonly name = 'ConfirmationError';
  constructor(
    readonly failure: ConfirmationFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ConfirmationIssuer {
  issue(binding: ConfirmationBinding): Promise<{ token: string; expiresAt: string; id: string }>;
  /**
   * Checks a token against the call being made. `currentState` is read from CES now. On success the
   * token is spent on this replica. Throws ConfirmationError.
   */
  redeem(token: string, binding: ConfirmationBinding): Promise<{ id: string; issuedAt: string }>;
  /** Whether tokens are valid on other replicas (a shared key file is configured). */
  readonly shared: boolean;
}

export interface ConfirmationOptions {
  /** The shared key (a file source); undefined: a random key for this process only. */
  key?: (() => string | undefined) | undefined;
  ttlSeconds: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * The key material of confirmations (tokens and sealed questions alike): the shared key file's
 * current value, or without one this process's random key. Throws while the file is unusable.
 */
export function confirmationKeyOf(source: (() => string | undefined) | undefined, processKey: Buffer): string | Buffer {
  if (!source) return processKey;
  const value = source();
  if (value === undefined || Buffer.byteLength(value) < MIN_KEY_BYTES) {
    throw new ConfirmationError(
      'invalid',
      'Confirmations are unavailable: the confirmation key file is missing or shorter than 32 bytes; ask the operator to check ISPW_MCP_CONFIRM_KEY_FILE.',
    );
  }
  return value;
}

/** Ids used once on this replica, each kept until it expires (ms on `now`'s clock). */
export function spentIds(now: () => number) {
  const spent = new Map<string, number>();
  return {
    has(id: string): boolean {
      const t = now();
      for (const [key, expires] of spent) if (expires <= t) spent.delete(key);
      return spent.has(id);
    },
    spend(id: string, expiresMs: number): void {
      spent.set(id, expiresMs);
    },
  };
}

export function createConfirmations(options: ConfirmationOptions): ConfirmationIssuer {
  const processKey = randomBytes(32);
  const now = options.now ?? Date.now;
  const spent = spentIds(now); // by jti

  const key = (): Uint8Array => {
    const material = confirmationKeyOf(options.key, processKey);
    return typeof material === 'string' ? Buffer.from(material, 'utf8') : material;
  };

  return {
    shared: options.key !== undefined,
    async issue(binding) {
      const iat = Math.floor(now() / 1000);
      const exp = iat + options.ttlSeconds;
      const id = randomUUID();
      const { SignJWT } = await loadJose();
      const token = await new SignJWT({ tool: binding.tool, args: digest(binding.args), state: binding.state ?? null, rule: binding.rule })
        .setProtectedHeader({ alg: 'HS256', typ: TYPE })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(binding.subject)
        .setJti(id)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key());
      return { token, expiresAt: new Date(exp * 1000).toISOString(), id };
    },
    async redeem(token, binding) {
      let claims: Record<string, unknown>;
      try {
        const { jwtVerify } = await loadJose();
        ({ payload: claims } = await jwtVerify(token, key(), {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          typ: TYPE,
          requiredClaims: ['exp', 'jti', 'sub'],
          currentDate: new Date(now()),
          clockTolerance: 0,
        }));
      } catch (error) {
        if (error instanceof ConfirmationError) throw error;
        const joseErrors = joseErrorsIfLoaded();
        if (joseErrors !== undefined && error instanceof joseErrors.JWTExpired) {
          throw new ConfirmationError('expired', 'The confirmation token has expired; call again without confirmation_token for a fresh preview.');
        }
        throw new ConfirmationError('invalid', 'The confirmation token is not valid (not issued by this service, or altered).');
      }
      if (claims.sub !== binding.subject) throw new ConfirmationError('caller', 'The confirmation token was issued to another caller.');
      if (claims.tool !== binding.tool)
        throw new ConfirmationError('tool', `The confirmation token was issued for ${String(claims.tool)}, not ${binding.tool}.`);
      if (claims.args !== digest(binding.args)) {
        throw new ConfirmationError(
          'arguments',
          'The arguments differ from the ones that were previewed; call again without confirmation_token for a fresh preview.',
        );
      }
      const jti = String(claims.jti);
      if (spent.has(jti)) throw new ConfirmationError('replayed', 'The confirmation token was already used.');
      if ((claims.state ?? undefined) !== binding.state) {
        throw new ConfirmationError(
          'state',
          'What the preview showed has changed in CES since (or the operation was already carried out); call again without confirmation_token for a fresh preview.',
        );
      }
      spent.spend(jti, Number(claims.exp) * 1000);
      options.logger?.debug({ tool: binding.tool, rule: claims.rule, confirmationId: jti }, 'confirmation redeemed');
      return { id: jti, issuedAt: new Date(Number(claims.iat) * 1000).toISOString() };
    },
  };
}
