// The interface tools see: one call per catalogue operation, bound to one CES instance and SRID.
import type { Operation } from './operations.js';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface CallInput {
  /** Values for the `{name}` placeholders of the operation's path; each is validated and encoded. */
  path?: Record<string, string>;
  /** Query parameters; `undefined` and empty values are omitted, arrays become repeated parameters. */
  query?: Record<string, QueryValue>;
  /** JSON body for POST operations; `undefined` fields are omitted. */
  body?: Record<string, unknown>;
}

export interface CallOptions {
  /** Aborts the request (the MCP request was cancelled or the server is shutting down). */
  signal?: AbortSignal;
  /** Correlation id sent to CES as `X-Request-Id` (printable ASCII, at most 128 characters). */
  requestId?: string;
  /**
   * Acts under another CES identity for this call (per-user mode): its token is sent instead of the
   * instance's own. Same rules: re-read per request, never logged, never in an error.
   */
  credential?: CesCredential;
  /**
   * How long this request already waited before reaching the client (the per-instance concurrency
   * queue, policy/limits.ts): its first attempt gets the CES timeout minus that, so queue time
   * counts against the request's own deadline.
   */
  queuedMs?: number;
  /**
   * This request's own timeout instead of the instance's: for the `…-await` operations, which CES
   * answers only when the work ends (bounded by the caller's wait, never shorter than the default).
   */
  timeoutMs?: number;
  /** false: one attempt only, even where a retry would be safe (the readiness probe). Default true. */
  retry?: boolean;
}

/**
 * An awaited call (`…-await`: CES holds the reply for minutes) is one that brings its own timeout.
 * The one test of it: the bulkhead (policy/limits.ts) and the socket pool (client.ts) must agree.
 */
export const isAwaited = (options: Pick<CallOptions, 'timeoutMs'> | undefined): boolean => options?.timeoutMs !== undefined;

/** A CES token other than the instance's own, e.g. the caller's personal access token. */
export interface CesCredential {
  /** Returns the current token (a rotating file source); undefined when it is missing. */
  token: () => string | undefined;
  /** What to tell the user when the token is missing. */
  hint: string;
  /** Who the token belongs to, for errors and logs. */
  identity: string;
}

/** A CES instance and SRID that tools act on. */
export interface CesTarget {
  /** Name of the configured CES instance. */
  readonly instance: string;
  /** Code Pipeline instance id used in `/ispw/{srid}/…`. */
  readonly srid: string;
  /** Runtime configuration sent when a tool does not give one. */
  readonly runtimeConfig: string | undefined;
  /** Time allowed for one attempt to this instance (its CES timeout), in milliseconds. */
  readonly timeoutMs?: number | undefined;
  /**
   * The CES identity the requests carry when it is not the instance's own (`user:<name>` in per-user
   * mode): anything shared between calls, such as one read of a set, must not cross identities.
   */
  readonly identity?: string | undefined;
  /** Performs one catalogue operation and returns its validated reply. Throws `CesError`. */
  call<R>(operation: Operation<R>, input?: CallInput, options?: CallOptions): Promise<R>;
}

/** Anything that performs catalogue operations: a CesTarget, or a tool's call-bound view of one. */
export interface CesCaller {
  call<R>(operation: Operation<R>, input?: CallInput, options?: CallOptions): Promise<R>;
}

/** Runs one call of a decorated target: `next` sends it on, with the given options (default: the caller's). */
export type CallInterceptor = <R>(
  operation: Operation<R>,
  input: CallInput | undefined,
  options: CallOptions | undefined,
  next: (options?: CallOptions) => Promise<R>,
) => Promise<R>;

/**
 * A target like `target` whose calls pass through `intercept`: the one way to decorate a CesTarget
 * (per-user credential, concurrency limit, audit of writes), so each decorator keeps every other
 * property of the target as it is.
 */
export function interceptTarget(target: CesTarget, intercept: CallInterceptor): CesTarget {
  return {
    instance: target.instance,
    srid: target.srid,
    runtimeConfig: target.runtimeConfig,
    timeoutMs: target.timeoutMs,
    identity: target.identity,
    call: (operation, input, options) => intercept(operation, input, options, (sent = options) => target.call(operation, input, sent)),
  };
}

/** Resolves the `srid` argument of a tool to a target; throws a `CesError('ces_input')` when unknown. */
export interface CesDirectory {
  resolve(srid?: string): CesTarget;
  /** The configured instances and their SRIDs (for diagnostics; no secrets). */
  describe(): { instance: string; url: string; srids: string[]; default: boolean }[];
  /** Circuit-breaker state of a configured instance (undefined for an unknown name). */
  breakerState?(instance: string): 'closed' | 'open' | 'half-open' | undefined;
  /** CES's own version for diagnostics (undefined: unknown instance, or CES did not say). */
  cesVersion?(instance: string, signal?: AbortSignal): Promise<string | undefined>;
  close(): Promise<void>;
}
