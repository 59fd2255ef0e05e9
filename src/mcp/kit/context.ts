// What a tool's `run` receives. Tools never see configuration, environment, HTTP or the SDK:
// they get a CES target already resolved from the `srid` argument and bound to the call (its
// cancellation signal and correlation id go with every request), a progress reporter that is a
// no-op when the client asked for no progress, and an injectable sleep.
import type { Logger } from 'pino';

import type { CallInput, CesTarget } from '../../ces/api.js';
import type { Operation } from '../../ces/operations.js';
import type { SetCallbacks } from './set-callbacks.js';
import type { SetPolls } from './set-polls.js';

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

export interface WaitSettings {
  /** Interval before the first set poll, and the first interval of the back-off (docs/ces-api.md §4.3: BMC's clients poll every 2 s). */
  pollIntervalMs: number;
  /** Upper bound for any `wait_seconds` argument. */
  maxWaitSeconds: number;
  /** Longest interval the back-off reaches; absent or ≤ pollIntervalMs: every poll after pollIntervalMs. */
  maxPollIntervalMs?: number;
  /** Each interval is the previous one × this (≥ 1; absent: 1). */
  pollBackoff?: number;
  /** Share (0–0.5) by which each interval after the first is varied at random, so waits started together do not poll together. */
  pollJitter?: number;
  /** Set polls per second per CES instance on this replica, spread evenly; 0 or absent: no budget. */
  maxPollsPerSecond?: number;
  /** Shared reads and the poll budget of this replica (set-polls.ts); absent: each wait reads alone. */
  polls?: SetPolls;
  /** CES callbacks that wake waits on this replica (set-callbacks.ts); absent: waits only poll. */
  callbacks?: SetCallbacks;
}

/** The CES instance and SRID of one call. Requests carry the call's signal: a cancelled call stops them. */
/** What a tool may choose per request: only the timeout of an awaited operation. */
export interface ToolCallOptions {
  timeoutMs?: number;
}

export interface CallCes extends Pick<CesTarget, 'instance' | 'srid' | 'runtimeConfig' | 'timeoutMs' | 'identity'> {
  call<R>(operation: Operation<R>, input?: CallInput, options?: ToolCallOptions): Promise<R>;
}

export interface ToolContext {
  /** The CES instance and SRID this call acts on. */
  readonly ces: CallCes;
  /** Aborted when the client cancels the request or the server shuts down. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly wait: WaitSettings;
  /** Sends an MCP progress notification when the caller supplied a progress token. */
  progress(update: ProgressUpdate): Promise<void>;
  /**
   * Resolves after `ms`, or rejects when the call's signal or `until` aborts; injectable so tests
   * need not sleep.
   */
  sleep(ms: number, until?: AbortSignal): Promise<void>;
  /** Milliseconds on a monotonic clock; injectable so tests of waits need no wall-clock time. */
  now(): number;
}
