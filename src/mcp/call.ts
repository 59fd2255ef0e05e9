// The central call wrapper: every tool call passes through here, and only here are calls admitted
// during shutdown, the CES target resolved, spans, metrics and audit events produced, and errors
// mapped. Tools stay plain functions. The steps run in this order, one small block each, so that
// authorisation and policy (issue #4) slot in where marked:
//   admit → validate → authorise → policy → trace → audit attempt → run → audit outcome → metrics → map errors
// Read tools write no audit events; with metrics and tracing off, a call builds no child logger
// unless something is logged (Call.logger).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import type { CallToolResult, ServerContext } from '@modelcontextprotocol/server';

import type { CallOptions, CesDirectory, CesTarget } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import type { Operation } from '../ces/operations.js';
import type { AuditEventBody, AuditEventType, AuditOutcome } from '../audit/schema.js';
import { auditArguments, auditTarget, outcomeOfError, outcomeOfResult, type AuditTrail } from '../audit/trail.js';
import { SERVICE } from '../audit/sink.js';
import { principalOf } from '../auth/principal.js';
import { guardCall, type AccessControl, type AccessRecord } from '../policy/guard.js';
import { LimitError } from '../policy/limits.js';
import { linkSignals } from '../shared/linked-signal.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { CallTrace, Tracing } from '../telemetry/tracing.js';
import { shutdownAnswer, ShutdownCancellation, untilCancelled, type Drain } from './drain.js';
import type { ProgressUpdate, ToolContext, WaitSettings } from './kit/context.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { ToolInputError } from './kit/errors.js';

export interface CallDeps {
  directory: CesDirectory;
  logger: Logger;
  wait: WaitSettings;
  /**
   * Aborted with a ShutdownCancellation when the shutdown grace period ends (Drain.signal); every
   * call's signal follows it, and a call it cancels is answered at once (src/mcp/drain.ts).
   */
  shutdownSignal?: AbortSignal;
  /** Admission during shutdown: new calls are refused with a retryable error once draining. */
  drain?: Drain;
  /** Prometheus metrics; undefined when nothing serves /metrics (no metric work at all). */
  metrics?: Metrics;
  /** OpenTelemetry tracing; undefined when off (no span work at all). */
  tracing?: Tracing;
  /** Audit trail for write tools; undefined only in tests and library use. */
  audit?: AuditTrail;
  /** Transport the calls arrive on, recorded in spans and audit events. */
  transport?: 'stdio' | 'http';
  /** Scopes, CES identity, lifecycle policy, confirmations and limits (src/policy/guard.ts); undefined: none. */
  access?: AccessControl;
}

// What a caller can do about each CES failure; appended to the error text, which already says what
// happened (so a hint does not repeat it).
const HINTS: Record<Exclude<CesError['code'], 'ces_not_found'>, string> = {
  ces_input: 'Correct the arguments and call again.',
  ces_auth: 'Calling again will not help until the operator has fixed the token.',
  ces_conflict: 'Another operation is running on these tasks; wait for it (ispw_get_set) and try again.',
  ces_rejected: 'CES refused the request; its message above says why.',
  ces_rate_limited: 'CES is rate limiting; wait and try again.',
  ces_server: 'CES failed internally; try again later or ask the CES administrator.',
  ces_timeout: 'CES did not answer in time. For a write, check with ispw_get_set or the list tools before retrying: it may have been done.',
  ces_unavailable: 'Try again later, or ask the operator to check connectivity and TLS settings.',
  ces_bad_reply: 'CES sent a reply this server could not read; ask the operator to check the CES version.',
};

// A 404 names the list tool for the kind of object the operation addresses (its id's first part).
const LIST_TOOL: Record<string, string> = {
  assignment: 'ispw_list_assignments',
  release: 'ispw_list_releases',
  set: 'ispw_list_sets',
  deployment: 'ispw_list_deployments',
  task: 'ispw_list_tasks',
};

function notFoundHint(operation: string | undefined): string {
  const [resource, part] = (operation ?? '').split('.');
  const tools = [LIST_TOOL[resource ?? ''], part?.startsWith('task') ? LIST_TOOL.task : undefined].filter((t) => t !== undefined);
  const where = tools.length === 0 ? 'the list tools show valid ids' : `${tools.join(' and ')} ${tools.length === 1 ? 'shows' : 'show'} valid ids`;
  return `Check the id (${where}) and the srid.`;
}

/** Ends a sentence with a full stop unless it already ends with one. */
const sentence = (text: string) => (/[.!?]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`);

const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

export function describeCesError(error: CesError): string {
  const parts = [sentence(error.message)];
  if (error.details.cesMessage && !error.message.includes(error.details.cesMessage)) {
    parts.push(sentence(`CES said: ${error.details.cesMessage}`));
  }
  if (error.details.retryAfterSeconds !== undefined) parts.push(`Retry after ${error.details.retryAfterSeconds} s.`);
  parts.push(error.code === 'ces_not_found' ? notFoundHint(error.details.operation) : HINTS[error.code]);
  return parts.join(' ');
}

/** Bounded error type of a failed call (metrics label, span `error.type`, audit `errorCode`). */
function errorTypeOf(error: unknown, signal: AbortSignal): string {
  // Whatever a step threw once the shutdown cancelled the call (a CES request cut short, say).
  if (signal.reason instanceof ShutdownCancellation) return 'cancelled';
  if (error instanceof CesError) return error.code;
  if (error instanceof ToolInputError) return 'invalid_arguments';
  if (error instanceof LimitError) return 'limited';
  if (signal.aborted) return 'cancelled';
  return 'internal';
}

// 2026-era requests carry client info and protocol version in the `_meta` envelope (the SDK lifts
// them into `mcpReq.envelope`) and W3C trace context in `_meta`.
const META_CLIENT = 'io.modelcontextprotocol/clientInfo';
const META_PROTOCOL = 'io.modelcontextprotocol/protocolVersion';
const metaValue = (sdk: ServerContext, key: string): unknown =>
  (sdk.mcpReq.envelope as Record<string, unknown> | undefined)?.[key] ?? (sdk.mcpReq._meta as Record<string, unknown> | undefined)?.[key];
const metaString = (sdk: ServerContext, key: string) => {
  const value = metaValue(sdk, key);
  return typeof value === 'string' ? value : undefined;
};

/** Everything known about one call, shared by the steps below. */
class Call {
  target?: CesTarget;
  trace?: CallTrace;
  /** POSTs sent to CES during the call (audit `action.cesOperations`). */
  cesWrites: AuditEventBody['action']['cesOperations'] = [];
  /** A POST was sent to CES (a change may be under way there, whether or not audit is on). */
  cesPosted = false;
  /** The set a CES reply named (a lifecycle call's new set), for the answer of a cancelled call. */
  setId?: string;
  /** The access decision (authorise/policy step), for audit. */
  access?: AccessRecord;
  /** What the tool runs with when access control applies: `args` without the control arguments. */
  toolInput?: Record<string, unknown>;
  private child: Logger | undefined;
  private bound = false;

  constructor(
    readonly tool: AnyToolDef,
    readonly correlationId: string,
    readonly started: number,
    /**
     * The call's arguments without srid, as audit records them: the ticket that authorised a change
     * stays on the write's record; a redeemed confirmation_token is dropped once the guard has
     * consumed it (its id is in the decision). Tools get `toolInput` when access control applies.
     */
    public args: Record<string, unknown>,
    readonly sdk: ServerContext,
    readonly signal: AbortSignal,
    readonly writes: boolean,
    private readonly parent: Logger,
  ) {}

  /**
   * The call's logger: the server's until `bindLogger`, then the call's child logger, built on first
   * use: a successful call at the usual levels logs nothing, and a pino child (bindings serialised,
   * redaction set up) costs a few µs.
   */
  get logger(): Logger {
    if (this.child === undefined && this.bound) this.child = this.parent.child(this.bindings());
    return this.child ?? this.parent;
  }

  set logger(value: Logger) {
    this.child = value;
  }

  /** From here on, `logger` is the call's child logger with the call's bindings (lazyChildLogger). */
  bindLogger(): void {
    this.bound = true;
    this.child = undefined;
  }

  // Read when the child logger is built; target and trace are set by then and do not change.
  private bindings(): Record<string, unknown> {
    return {
      correlationId: this.correlationId,
      mcpMethod: 'tools/call',
      tool: this.tool.name,
      cesInstance: this.target?.instance,
      srid: this.target?.srid,
      ...(this.sdk.sessionId ? { sessionId: this.sdk.sessionId } : {}),
      ...(this.trace ? { traceId: this.trace.traceId, spanId: this.trace.spanId } : {}),
    };
  }
}

/**
 * The CES target as the tool sees it: the correlation id goes to CES, writes are noted for audit, and
 * the set a write created is noted for the answer a shutdown gives (drain.ts). A call that has been
 * cancelled sends nothing more to CES.
 */
function observedTarget(call: Call, target: CesTarget): CesTarget {
  return {
    instance: target.instance,
    srid: target.srid,
    runtimeConfig: target.runtimeConfig,
    async call<R>(operation: Operation<R>, input?: Parameters<CesTarget['call']>[1], options?: CallOptions): Promise<R> {
      if (call.signal.aborted) throw call.signal.reason;
      const withId = options?.requestId ? options : { ...options, requestId: call.correlationId };
      if (operation.method !== 'POST') return target.call(operation, input, withId);
      call.cesPosted = true;
      if (!call.writes) return noteSet(call, await target.call(operation, input, withId));
      const entry = { operation: operation.id, method: operation.method, pathTemplate: `/ispw/{srid}${operation.path}`, result: 'ok' as 'ok' | 'failed', status: null as number | null };
      call.cesWrites.push(entry);
      try {
        return noteSet(call, await target.call(operation, input, withId));
      } catch (error) {
        entry.result = 'failed';
        entry.status = error instanceof CesError ? (error.details.status ?? null) : null;
        throw error;
      }
    },
  };
}

/** Remembers the set a CES reply names (lifecycle operations answer `{setId, url}`). */
function noteSet<R>(call: Call, reply: R): R {
  const setId = (reply as { setId?: unknown } | null | undefined)?.setId;
  if (typeof setId === 'string' && setId.trim() !== '') call.setId = setId.trim();
  return reply;
}

function auditEvent(call: Call, deps: CallDeps, type: AuditEventType, outcome: AuditOutcome | null): AuditEventBody {
  const client = metaValue(call.sdk, META_CLIENT) as { name?: unknown; version?: unknown } | undefined;
  const auth = call.sdk.http?.authInfo;
  const subject = auth ? principalOf(auth).subject : null;
  return {
    type,
    service: SERVICE,
    actor: {
      caller: subject ?? null,
      authMethod: auth ? (principalOf(auth).via === 'mtls' ? 'mtls' : 'oauth') : 'none',
      client: typeof client?.name === 'string' ? { name: client.name, version: typeof client.version === 'string' ? client.version : null } : null,
      transport: deps.transport ?? 'stdio',
    },
    ces: { instance: call.target?.instance ?? null, srid: call.target?.srid ?? null, mainframeUser: call.access?.cesIdentity ?? null },
    action: { tool: call.tool.name, toolKind: call.tool.kind, cesOperations: [...call.cesWrites] },
    target: auditTarget(call.args),
    decision: decisionOf(call.access),
    outcome,
    correlation: {
      correlationId: call.correlationId,
      requestId: String(call.sdk.mcpReq.id),
      sessionId: call.sdk.sessionId ?? null,
      traceId: call.trace?.traceId ?? null,
    },
    arguments: auditArguments(call.args),
  };
}

/** The audit decision of a call from its access record (no access control: allowed, no rule). */
function decisionOf(access: AccessRecord | undefined): AuditEventBody['decision'] {
  if (!access) return { result: 'allowed', rule: null, confirmationId: null, reason: null };
  const d = access.decision;
  return {
    result: d.effect === 'deny' ? 'denied' : access.confirmed ? 'confirmed' : d.effect === 'confirm' ? 'confirmation_required' : 'allowed',
    rule: d.rule === 'default' ? null : d.rule,
    confirmationId: access.confirmationId ?? null,
    reason: d.reason ?? null,
  };
}

/** Builds the SDK callback for one tool. `args` arrive already validated by the tool's schema. */
export function toolCallback(tool: AnyToolDef, deps: CallDeps) {
  const writes = tool.kind !== 'read' && deps.audit !== undefined;
  return async (args: Record<string, unknown>, sdk: ServerContext): Promise<CallToolResult> => {
    // Step: admit. A draining server finishes what it accepted and refuses the rest, retryably.
    const leave = deps.drain?.enter();
    if (deps.drain && !leave) {
      return errorResult(`${tool.name}: the server is shutting down and did not start this call; retry it (another replica will answer).`);
    }
    deps.metrics?.inflight.inc();
    try {
      return await runCall(tool, deps, writes, args, sdk);
    } finally {
      deps.metrics?.inflight.dec();
      leave?.();
    }
  };
}

async function runCall(tool: AnyToolDef, deps: CallDeps, writes: boolean, rawArgs: Record<string, unknown>, sdk: ServerContext): Promise<CallToolResult> {
  // The call's signal follows the request's and the server's shutdown; a plain linked controller,
  // released when the call ends, is cheaper per call than AbortSignal.any (docs/performance.md).
  const linked = deps.shutdownSignal ? linkSignals([sdk.mcpReq.signal, deps.shutdownSignal]) : undefined;
  try {
    return await runLinkedCall(tool, deps, writes, rawArgs, sdk, linked?.signal ?? sdk.mcpReq.signal);
  } finally {
    linked?.dispose();
  }
}

async function runLinkedCall(tool: AnyToolDef, deps: CallDeps, writes: boolean, rawArgs: Record<string, unknown>, sdk: ServerContext, signal: AbortSignal): Promise<CallToolResult> {
  const { srid, ...args } = rawArgs as { srid?: string } & Record<string, unknown>;
  const correlationId = randomUUID();
  const call = new Call(tool, correlationId, performance.now(), args, sdk, signal, writes, deps.logger);
  let errorType: string | undefined;
  let result: CallToolResult;
  try {
    // Step: validate. The SDK has checked the arguments against the schema; the srid must name a
    // configured instance.
    call.target = deps.directory.resolve(srid);
  } catch (error) {
    errorType = errorTypeOf(error, signal);
    call.logger = deps.logger.child({ correlationId, mcpMethod: 'tools/call', tool: tool.name });
    result = mapError(call, error);
    finish(call, deps, errorType);
    return result;
  }

  // Step: authorise and policy (src/policy/guard.ts): the caller's scope for this call, the rate
  // limit, the CES identity to act under, then freeze windows, the ticket rule, the lifecycle rules
  // and confirmations. Denials are audited (auth.denied / policy.denied); a confirmation request is
  // a normal result and nothing is changed in CES. Read-only mode, toolsets and allow/deny lists are
  // applied earlier: tools outside them are never registered.
  if (deps.access) {
    const guarded = await guard(call, deps, srid);
    if (guarded) return guarded;
  }

  // Step: trace. The MCP server span and the tool span; their ids go into every log line of the call.
  if (deps.tracing) {
    call.trace = deps.tracing.startCall({
      tool: tool.name,
      toolKind: tool.kind,
      requestId: sdk.mcpReq.id,
      sessionId: sdk.sessionId,
      protocolVersion: metaString(sdk, META_PROTOCOL),
      transport: deps.transport ?? 'stdio',
      traceparent: metaString(sdk, 'traceparent'),
      tracestate: metaString(sdk, 'tracestate'),
    });
    call.trace.target(call.target.instance, call.target.srid);
  }
  call.bindLogger();

  // Step: audit the attempt. When it cannot be recorded and the trail fails closed, nothing reaches CES.
  if (writes && !(await deps.audit!.record(auditEvent(call, deps, 'write.attempt', null))) && deps.audit!.failClosed) {
    errorType = 'audit_unavailable';
    finish(call, deps, errorType);
    return errorResult(`${tool.name}: refused: the audit trail cannot be written, and this server does not change the mainframe without an audit record. Ask the operator to check the audit sink (ISPW_MCP_AUDIT_FILE).`);
  }

  // Step: run. When the shutdown cancels the call, it is answered at once (untilCancelled), even if
  // the tool has not noticed its signal yet.
  try {
    const outcome = await untilCancelled(call.trace ? call.trace.run(() => runTool(call, deps)) : runTool(call, deps), signal);
    result = { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.structured };
    noteSetWait(call, deps, outcome.structured);
    if (deps.logger.isLevelEnabled('debug')) call.logger.debug({ ms: Math.round(performance.now() - call.started) }, 'tool call succeeded');
    // Step: audit the outcome. The write happened: a failed record does not hide the result.
    if (writes && !(await deps.audit!.record(auditEvent(call, deps, 'write.outcome', outcomeOfResult(outcome.structured, elapsed(call)))))) {
      result.content.push({ type: 'text', text: 'Warning: the audit record of this outcome could not be written; the operator has been alerted in the server log.' });
    }
  } catch (error) {
    errorType = errorTypeOf(error, signal);
    result = mapError(call, error);
    if (writes) {
      const outcome = outcomeOfError(errorType, error, elapsed(call), call.cesWrites.length > 0);
      await deps.audit!.record(auditEvent(call, deps, 'write.outcome', call.setId ? { ...outcome, setId: call.setId } : outcome));
    }
  }
  finish(call, deps, errorType);
  return result;
}

async function guard(call: Call, deps: CallDeps, srid: string | undefined): Promise<CallToolResult | undefined> {
  const principal = principalOf(call.sdk.http?.authInfo);
  let outcome;
  try {
    outcome = await guardCall(deps.access!, { tool: call.tool, args: { ...call.args, srid }, principal, target: call.target!, signal: call.signal });
  } catch (error) {
    call.logger = deps.logger.child({ correlationId: call.correlationId, mcpMethod: 'tools/call', tool: call.tool.name });
    const result = mapError(call, error);
    finish(call, deps, errorTypeOf(error, call.signal));
    return result;
  }
  call.access = outcome.record;
  if (outcome.kind === 'proceed') {
    call.toolInput = outcome.input;
    const { confirmation_token: _redeemed, ...audited } = call.args;
    call.args = audited;
    call.target = outcome.ces;
    return undefined;
  }
  const logger = deps.logger.child({ correlationId: call.correlationId, mcpMethod: 'tools/call', tool: call.tool.name, caller: principal.subject });
  if (outcome.kind === 'confirm') {
    logger.info({ rule: outcome.record.decision.rule, confirmationId: outcome.record.confirmationId }, 'confirmation required');
    // The decision is on record (nothing was sent to CES); the redeeming call's events carry the same id.
    await deps.audit?.record(auditEvent(call, deps, 'policy.confirmation_required', null));
    finish(call, deps, undefined);
    return { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.structured };
  }
  const rule = outcome.record.decision.rule;
  logger.info({ rule, cesIdentity: outcome.record.cesIdentity }, 'tool call denied');
  const type: AuditEventType = rule === 'scope' || rule === 'identity' ? 'auth.denied' : 'policy.denied';
  await deps.audit?.record(auditEvent(call, deps, type, null));
  finish(call, deps, 'denied');
  return errorResult(outcome.text);
}

const elapsed = (call: Call) => Math.round(performance.now() - call.started);

/** What the tool sees of its call; methods on the prototype, so a call allocates one small object. */
class CallContext implements ToolContext {
  constructor(
    private readonly call: Call,
    readonly ces: CesTarget,
    readonly wait: WaitSettings,
  ) {}

  get signal(): AbortSignal {
    return this.call.signal;
  }

  get logger(): Logger {
    return this.call.logger;
  }

  sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.call.signal });
  }

  async progress(update: ProgressUpdate): Promise<void> {
    const progressToken = this.call.sdk.mcpReq._meta?.progressToken;
    if (progressToken === undefined) return;
    await this.call.sdk.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, ...update } });
  }
}

function runTool(call: Call, deps: CallDeps) {
  return call.tool.run(call.toolInput ?? call.args, new CallContext(call, observedTarget(call, call.target!), deps.wait));
}

/** Tools called with wait_seconds report how the set wait ended (set-op.ts). */
function noteSetWait(call: Call, deps: CallDeps, structured: unknown): void {
  if (!deps.metrics) return;
  const s = structured as { outcome?: unknown; waitedSeconds?: unknown } | undefined;
  if (typeof s?.outcome === 'string' && typeof s.waitedSeconds === 'number') deps.metrics.setWait(call.tool.name, s.outcome, s.waitedSeconds);
}

/** Step: metrics, and the end of the spans. */
function finish(call: Call, deps: CallDeps, errorType: string | undefined): void {
  call.trace?.end(errorType);
  deps.metrics?.toolCall(call.tool.name, errorType, (performance.now() - call.started) / 1000);
}

/** Step: map errors. Caller-fixable problems become tool errors with a hint; bugs only a correlation id. */
function mapError(call: Call, error: unknown): CallToolResult {
  const { tool, logger, correlationId, signal } = call;
  const ms = elapsed(call);
  // First: once the shutdown cancelled the call, whatever a step threw is its answer's cause.
  if (signal.reason instanceof ShutdownCancellation) {
    logger.info({ ms, setId: call.setId }, 'tool call cancelled by the shutdown');
    const setId = call.setId ?? (typeof call.args.set_id === 'string' ? call.args.set_id : undefined);
    return errorResult(shutdownAnswer({ tool: tool.name, writes: tool.kind !== 'read', setId, cesPosted: call.cesPosted }));
  }
  if (error instanceof CesError) {
    logger.info({ ms, code: error.code, operation: error.details.operation, status: error.details.status }, 'tool call failed at CES');
    return errorResult(`${tool.name}: ${describeCesError(error)}`);
  }
  if (error instanceof ToolInputError) {
    logger.info({ ms }, 'tool call refused: %s', error.message);
    return errorResult(`${tool.name}: ${error.message}${error.hint ? ` ${error.hint}` : ''}`);
  }
  if (error instanceof LimitError) {
    logger.info({ ms, retryAfterSeconds: error.retryAfterSeconds }, 'tool call limited');
    return errorResult(`${tool.name}: ${error.message}`);
  }
  if (signal.aborted) {
    return errorResult(`${tool.name}: the call was cancelled before it finished. For a write, check its effect with ispw_get_set or the list tools.`);
  }
  logger.error({ ms, err: error }, 'tool call failed unexpectedly');
  return errorResult(`${tool.name}: internal error (correlation id ${correlationId}); the server log has the details.`);
}
