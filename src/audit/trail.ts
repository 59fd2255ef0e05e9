// The audit trail as the call wrapper uses it: writes events to the sink, counts them, and turns a
// sink failure into a decision — with `failMode: closed` (default) a write tool whose attempt cannot
// be recorded is refused before anything reaches CES. Also the pure helpers that turn tool arguments,
// results and errors into the event's target, arguments and outcome parts.
import type { Logger } from 'pino';

import { CesError } from '../ces/errors.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { AuditEventBody, AuditOutcome, AuditTarget } from './schema.js';
import type { AuditSink, AuditSinkHealth } from './sink.js';

export type AuditFailMode = 'closed' | 'open';

export interface AuditTrail {
  /**
   * Resolves true when the event was written, false when it was not. With `buffered` durability it
   * resolves at once: true while the sink is taking writes, false while it is refusing them (so
   * fail-closed still holds); the event's own failure is counted and logged when it happens.
   */
  record(event: AuditEventBody): Promise<boolean>;
  /** Refuse write tools when their attempt cannot be recorded. */
  readonly failClosed: boolean;
  readonly description: string;
  /** The sink's state, for readiness (telemetry/readiness.ts). */
  health(): AuditSinkHealth;
  probe(): Promise<AuditSinkHealth>;
  close(): Promise<void>;
}

export function createAuditTrail(sink: AuditSink, deps: { failMode: AuditFailMode; logger: Logger; metrics?: Metrics | undefined }): AuditTrail {
  return {
    failClosed: deps.failMode === 'closed',
    description: sink.description,
    record(event) {
      const writable = sink.health().writable;
      // Every event's fate is counted once, when it is known.
      const written = sink.write(event).then(
        () => {
          deps.metrics?.auditWritten(event.type);
          return true;
        },
        (error: unknown) => {
          deps.metrics?.auditFailed(event.type);
          deps.logger.error({ err: error, auditType: event.type, correlationId: event.correlation.correlationId }, 'audit event could not be written');
          return false;
        },
      );
      return sink.durability === 'buffered' ? Promise.resolve(writable) : written;
    },
    health: () => sink.health(),
    probe: () => sink.probe(),
    close: () => sink.close(),
  };
}

// Argument names that could ever carry a secret; none of today's tools has one, this is the guard.
const SECRET_NAME = /(token|password|passphrase|secret|authori[sz]ation|credential|api_?key|cookie)/i;
const MAX_STRING = 1024;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[${value.length - MAX_STRING} more]` : value;
  if (Array.isArray(value)) return depth > 4 ? '[…]' : value.slice(0, 200).map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > 4) return '[…]';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) ? '[redacted]' : scrub(v, depth + 1)]));
  }
  return value;
}

/** Tool arguments as recorded: secret-looking names redacted, long strings and lists cut. */
export const auditArguments = (args: Record<string, unknown>): Record<string, unknown> => scrub(args, 0) as Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The target of a call, from the argument names the tools share. */
export function auditTarget(args: Record<string, unknown>): AuditTarget {
  const containerType = str(args.container_type);
  const containerId = str(args.container_id);
  const taskIds = Array.isArray(args.task_ids) ? args.task_ids.filter((t): t is string => typeof t === 'string') : null;
  return {
    containerType,
    containerId,
    assignmentId: str(args.assignment_id) ?? (containerType === 'assignment' ? containerId : null),
    releaseId: str(args.release_id) ?? (containerType === 'release' ? containerId : null),
    setId: str(args.set_id),
    deploymentRequestId: str(args.request_id),
    level: str(args.level),
    moduleName: str(args.module_name),
    moduleType: str(args.module_type),
    taskIds: taskIds && taskIds.length > 0 ? taskIds : null,
  };
}

const RUNNING = new Set(['running', 'waiting_approval', 'held', 'released', 'locked', 'deployment_pending']);

/**
 * Outcome of a call that returned: a set not waited to its end is `submitted`; a call whose change
 * failed in CES (`failed`: the tool answered isError) is `failed`; a call that ended without knowing
 * whether CES made a set (an awaited call cut off by its wait) is `unknown`.
 */
export function outcomeOfResult(structured: unknown, durationMs: number, failed = false): AuditOutcome {
  const r = (structured ?? {}) as { setId?: unknown; message?: unknown; state?: unknown; outcome?: unknown };
  const setId = str(r.setId);
  const setOutcome = str(r.outcome);
  let result: AuditOutcome['result'] = 'succeeded';
  if (setId && (setOutcome === null || RUNNING.has(setOutcome) || setOutcome === 'unverified')) result = 'submitted';
  if (!setId && setOutcome === 'running') result = 'unknown';
  if (failed) result = 'failed';
  return { result, setId, setState: str(r.state), cesMessage: str(r.message), status: null, errorCode: failed ? 'ces_change_failed' : null, durationMs };
}

/** Outcome of a call that failed; `cancelled` writes may still have happened in CES. */
export function outcomeOfError(errorType: string, error: unknown, durationMs: number, cesWasCalled: boolean): AuditOutcome {
  const ces = error instanceof CesError ? error : undefined;
  const unknown = errorType === 'cancelled' && cesWasCalled;
  return {
    result: unknown || (ces?.code === 'ces_timeout' && cesWasCalled) ? 'unknown' : 'failed',
    setId: null,
    setState: null,
    cesMessage: ces?.details.cesMessage ?? null,
    status: ces?.details.status ?? null,
    errorCode: errorType,
    durationMs,
  };
}
