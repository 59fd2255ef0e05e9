// Hooks the CES client calls around every HTTP attempt, retry and breaker change, so metrics and
// tracing can watch CES traffic without src/ces importing any telemetry library. Every field is
// optional and an absent observer costs nothing. Observers must not throw and must never receive
// secrets: they get the catalogue operation and path template, never the URL with ids or headers.
import type { HttpMethod } from './operations.js';

/** One HTTP attempt of one catalogue operation. */
export interface CesRequestInfo {
  /** Configured instance name (bounded by configuration). */
  readonly instance: string;
  /** Catalogue operation id, e.g. `assignment.promote`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Path template, e.g. `/ispw/{srid}/assignments/{assignmentId}/tasks/promote`. */
  readonly pathTemplate: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  /** 0 for the first attempt, 1 for the first retry, … */
  readonly resendCount: number;
}

/** How an attempt ended: a status when CES answered, else the kind of failure. */
export interface CesRequestResult {
  readonly status?: number;
  readonly failure?: 'timeout' | 'transport' | 'tls' | 'aborted' | 'refused';
}

/** What an observer hands back for one attempt: headers to add (W3C trace context) and an end hook. */
export interface CesRequestScope {
  readonly headers?: Readonly<Record<string, string>>;
  finished(result: CesRequestResult): void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CesObserver {
  requestStarted?(info: CesRequestInfo): CesRequestScope | undefined;
  retryScheduled?(info: { instance: string; operation: string; delayMs: number }): void;
  breakerChanged?(instance: string, state: BreakerState): void;
  /** A call was not sent: CES answered 429 with a Retry-After that has not passed yet. */
  shed?(info: { instance: string; operation: string }): void;
}
