// What a tool's `run` receives. Tools never see configuration, environment, HTTP or the SDK:
// they get a CES target already resolved from the `srid` argument, a cancellation signal and a
// progress reporter that is a no-op when the client asked for no progress.
import type { Logger } from 'pino';

import type { CesTarget } from '../../ces/api.js';

export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

export interface WaitSettings {
  /** Interval between set polls (ces-api.md §4.3: BMC's clients poll every 2 s). */
  pollIntervalMs: number;
  /** Upper bound for any `wait_seconds` argument. */
  maxWaitSeconds: number;
}

export interface ToolContext {
  /** The CES instance and SRID this call acts on. */
  readonly ces: CesTarget;
  /** Aborted when the client cancels the request or the server shuts down. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly wait: WaitSettings;
  /** Sends an MCP progress notification when the caller supplied a progress token. */
  progress(update: ProgressUpdate): Promise<void>;
  /** Resolves after `ms`, or rejects when `signal` aborts; injectable so tests need not sleep. */
  sleep(ms: number): Promise<void>;
}
