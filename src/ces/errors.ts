// Typed errors of the CES client. Every error names the operation (never a URL with ids or a
// token) and, when CES answered, carries CES's own `message` (docs/ces-api.md §5), so the caller sees
// what the mainframe said. `retryable` tells the MCP layer whether trying again can help.

export type CesErrorCode =
  | 'ces_input' // the request would be malformed (bad id, unknown parameter): fix the arguments
  | 'ces_auth' // 401/403: token missing, wrong, expired or not allowed
  | 'ces_not_found' // 404: no such container, set, task or request
  | 'ces_conflict' // 409: another operation is running on the item
  | 'ces_rejected' // other 4xx: CES refused the request, see its message
  | 'ces_rate_limited' // 429 after retries
  | 'ces_server' // 5xx after retries
  | 'ces_timeout' // no reply within the timeout
  | 'ces_unavailable' // connection failed, TLS failed, or the circuit breaker is open
  | 'ces_bad_reply'; // the reply was not JSON or not the expected shape

export class CesError extends Error {
  override readonly name: string = 'CesError';
  constructor(
    readonly code: CesErrorCode,
    message: string,
    readonly details: {
      /** Operation id from the catalogue, e.g. `assignment.promote`. */
      operation?: string;
      /** HTTP status CES answered with, when it answered. */
      status?: number;
      /** CES's own `message`, when it sent one. */
      cesMessage?: string;
      /** Whether the same call may succeed later. */
      retryable?: boolean;
      /** Seconds to wait before retrying, when CES said so. */
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get retryable(): boolean {
    return this.details.retryable ?? false;
  }
}

export const isCesError = (error: unknown): error is CesError => error instanceof CesError;
