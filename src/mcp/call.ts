// The central call wrapper: every tool call passes through here, and only here are calls admitted
// during shutdown, the CES target resolved, access control asked, spans, metrics and audit events
// produced, and errors mapped. Tools stay plain functions. The steps, in order:
//   admit → resolve target → guard (scope, limits, identity, policy, confirmation) → trace →
//   audit attempt → run → audit outcome → map errors; metrics and the end of the span in `finally`.
// Read tools write no audit events; with metrics and tracing off, a call builds no child logger
// unless something is logged (Call.logger).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  SdkError,
  SdkErrorCode,
  type CallToolResult,
  type ClientCapabilities,
  type InputRequiredResult,
  type ServerContext,
} from '@modelcontextprotocol/server';

import { interceptTarget, type CesDirectory, type CesTarget } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import type { AuditEventBody, AuditEventType, AuditOutcome } from '../audit/schema.js';
import { outcomeOfError, outcomeOfResult, type AuditTrail } from '../audit/trail.js';
import { linkSignals } from '../shared/linked-signal.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { CallTrace, Tracing } from '../telemetry/tracing.js';
import { auditEvent } from './audit-event.js';
import { describeCesError } from './ces-hints.js';
import { shutdownAnswer, ShutdownCancellation, untilCancelled, type Drain } from './drain.js';
import type { CallCes, ProgressUpdate, ToolContext, WaitSettings } from './kit/context.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { RetryLaterError, ToolInputError } from './kit/errors.js';
import { CONFIRMATION_ANSWER_KEY, type AccessRecord, type CallGuard, type HumanAnswer, type HumanChannel } from './kit/guard.js';

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
  /** Scopes, CES identity, lifecycle policy, confirmations and limits (wired by src/app/call-guard.ts); undefined: none. */
  guard?: CallGuard;
}

const errorResult = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/** A tool call's answer: a result, or (2026 era) a question for the client's user first. */
export type CallAnswer = CallToolResult | InputRequiredResult;

/** What the server knows about the client beyond the request (2025-era sessions: initialize). */
export type ClientCapabilitiesOf = () => ClientCapabilities | undefined;

// 2026-era requests carry client info and protocol version in the `_meta` envelope (the SDK lifts
// them into `mcpReq.envelope`) and W3C trace context in `_meta`.
const META_CLIENT = 'io.modelcontextprotocol/clientInfo';
const META_PROTOCOL = 'io.modelcontextprotocol/protocolVersion';
const metaValue = (sdk: ServerContext, key: string): unknown => (sdk.mcpReq.envelope as Record<string, unknown> | undefined)?.[key] ?? sdk.mcpReq._meta?.[key];
const metaString = (sdk: ServerContext, key: string) => {
  const value = metaValue(sdk, key);
  return typeof value === 'string' ? value : undefined;
};

/** Everything known about one call, shared by the steps below. */
class Call {
  readonly correlationId = randomUUID();
  readonly started = performance.now();
  target?: CesTarget;
  trace?: CallTrace;
  /** POSTs sent to CES during the call (audit `action.cesOperations`). */
  readonly cesWrites: AuditEventBody['action']['cesOperations'] = [];
  /** A POST was sent to CES (a change may be under way there, whether or not audit is on). */
  cesPosted = false;
  /** The set a CES reply named (a lifecycle call's new set), for the answer of a cancelled call. */
  setId?: string;
  /** The access decision (guard step), for audit. */
  access?: AccessRecord;
  /** What the tool runs with when access control applies: `args` without the control arguments. */
  toolInput?: Record<string, unknown>;
  /** Bounded error type of a failed call (metrics label, span `error.type`); undefined: success. */
  errorType: string | undefined;
  /** The client's capabilities as the session knows them (2025 era); undefined: not known. */
  clientCapabilities?: ClientCapabilitiesOf | undefined;
  private child: Logger | undefined;

  constructor(
    readonly tool: AnyToolDef,
    private readonly deps: CallDeps,
    readonly writes: boolean,
    /**
     * The call's arguments without srid, as audit records them: the ticket that authorised a change
     * stays on the write's record; a redeemed confirmation_token is dropped once the guard has
     * consumed it (its id is in the decision). Tools get `toolInput` when access control applies.
     */
    public args: Record<string, unknown>,
    readonly srid: string | undefined,
    readonly sdk: ServerContext,
    readonly signal: AbortSignal,
  ) {}

  /**
   * The call's child logger, built on first use from the bindings known at that moment: a
   * successful call at the usual levels logs nothing, and a pino child costs a few µs.
   */
  get logger(): Logger {
    this.child ??= this.deps.logger.child(this.bindings());
    return this.child;
  }

  /** Target and trace are known from here on: later log lines carry them. */
  rebindLogger(): void {
    this.child = undefined;
  }

  private bindings(): Record<string, unknown> {
    return {
      correlationId: this.correlationId,
      mcpMethod: 'tools/call',
      tool: this.tool.name,
      ...(this.target ? { cesInstance: this.target.instance, srid: this.target.srid } : {}),
      ...(this.sdk.sessionId ? { sessionId: this.sdk.sessionId } : {}),
      ...(this.trace ? { traceId: this.trace.traceId, spanId: this.trace.spanId } : {}),
    };
  }

  get elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }

  auditEvent(type: AuditEventType, outcome: AuditOutcome | null): AuditEventBody {
    const authInfo = this.sdk.http?.authInfo;
    return auditEvent(
      {
        tool: this.tool,
        correlationId: this.correlationId,
        sdk: this.sdk,
        args: this.args,
        target: this.target,
        cesWrites: this.cesWrites,
        access: this.access,
        traceId: this.trace?.traceId,
        caller: authInfo ? this.deps.guard?.callerOf(authInfo) : undefined,
        transport: this.deps.transport ?? 'stdio',
        client: metaValue(this.sdk, META_CLIENT) as { name?: unknown; version?: unknown } | undefined,
      },
      type,
      outcome,
    );
  }
}

/** Builds the SDK callback for one tool. `args` arrive already validated by the tool's schema. */
export function toolCallback(tool: AnyToolDef, deps: CallDeps) {
  const writes = tool.kind !== 'read' && deps.audit !== undefined;
  return async (rawArgs: Record<string, unknown>, sdk: ServerContext, clientCapabilities?: ClientCapabilitiesOf): Promise<CallAnswer> => {
    // Admit: a draining server finishes what it accepted and refuses the rest, retryably.
    const leave = deps.drain?.enter();
    if (deps.drain && !leave) {
      return errorResult(`${tool.name}: the server is shutting down and did not start this call; retry it (another replica will answer).`);
    }
    deps.metrics?.inflight.inc();
    // The call's signal follows the request's and the server's shutdown; a plain linked controller,
    // released when the call ends, is cheaper per call than AbortSignal.any (docs/performance.md).
    const linked = deps.shutdownSignal ? linkSignals([sdk.mcpReq.signal, deps.shutdownSignal]) : undefined;
    const { srid, ...args } = rawArgs as { srid?: string } & Record<string, unknown>;
    const call = new Call(tool, deps, writes, args, srid, sdk, linked?.signal ?? sdk.mcpReq.signal);
    call.clientCapabilities = clientCapabilities;
    try {
      return await runCall(call, deps);
    } finally {
      call.trace?.end(call.errorType);
      deps.metrics?.toolCall(tool.name, call.errorType, (performance.now() - call.started) / 1000);
      linked?.dispose();
      deps.metrics?.inflight.dec();
      leave?.();
    }
  };
}

async function runCall(call: Call, deps: CallDeps): Promise<CallAnswer> {
  const { tool, sdk } = call;
  try {
    // The srid must name a configured instance (the schema checked its form).
    call.target = deps.directory.resolve(call.srid);
  } catch (error) {
    return mapError(call, error);
  }

  // Scope, rate limit, CES identity, freeze windows, the ticket rule, the lifecycle rules and
  // confirmations. Denials are audited (auth.denied / policy.denied); a confirmation request is a
  // normal result and nothing is changed in CES. Read-only mode, toolsets and allow/deny lists are
  // applied earlier: tools outside them are never registered.
  if (deps.guard) {
    const answered = await guard(call, deps, deps.guard);
    if (answered) return answered;
  }

  // The MCP server span and the tool span; their ids go into every log line of the call.
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
  call.rebindLogger();

  // Audit the attempt. When it cannot be recorded and the trail fails closed, nothing reaches CES.
  const audit = call.writes ? deps.audit : undefined;
  if (audit && !(await audit.record(call.auditEvent('write.attempt', null))) && audit.failClosed) {
    call.errorType = 'audit_unavailable';
    return errorResult(
      `${tool.name}: refused: the audit trail cannot be written, and this server does not change the mainframe without an audit record. Ask the operator to check the audit sink (ISPW_MCP_AUDIT_FILE).`,
    );
  }

  // Run. When the shutdown cancels the call, it is answered at once (untilCancelled), even if the
  // tool has not noticed its signal yet.
  let result: CallToolResult;
  try {
    const outcome = await untilCancelled(call.trace ? call.trace.run(() => runTool(call, deps)) : runTool(call, deps), call.signal);
    result = { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.structured };
    noteSetWait(call, deps, outcome.structured);
    if (outcome.isError) {
      // The change failed in CES: an error for the client, metrics and the span, with what is known.
      result.isError = true;
      call.errorType = 'ces_change_failed';
      call.logger.info({ ms: call.elapsedMs, setId: call.setId }, 'tool call ended with a failed change');
    } else if (deps.logger.isLevelEnabled('debug')) call.logger.debug({ ms: call.elapsedMs }, 'tool call succeeded');
    // Audit the outcome. The write happened: a failed record does not hide the result.
    if (audit && !(await audit.record(call.auditEvent('write.outcome', outcomeOfResult(outcome.structured, call.elapsedMs, outcome.isError === true))))) {
      result.content.push({
        type: 'text',
        text: 'Warning: the audit record of this outcome could not be written; the operator has been alerted in the server log.',
      });
    }
  } catch (error) {
    result = mapError(call, error);
    if (audit) {
      const outcome = outcomeOfError(call.errorType!, error, call.elapsedMs, call.cesWrites.length > 0);
      await audit.record(call.auditEvent('write.outcome', call.setId ? { ...outcome, setId: call.setId } : outcome));
    }
  }
  return result;
}

/** The guard step: undefined to go ahead, or the answer to the caller (refusal, confirmation request or question). */
async function guard(call: Call, deps: CallDeps, guard: CallGuard): Promise<CallAnswer | undefined> {
  let outcome;
  try {
    outcome = await guard.check({
      tool: call.tool,
      args: { ...call.args, srid: call.srid },
      authInfo: call.sdk.http?.authInfo,
      target: call.target!,
      signal: call.signal,
      human: () => humanChannel(call, deps),
    });
  } catch (error) {
    return mapError(call, error);
  }
  call.access = outcome.record;
  if (outcome.kind === 'proceed') {
    call.toolInput = outcome.input;
    const { confirmation_token: _redeemed, ...audited } = call.args;
    call.args = audited;
    call.target = outcome.ces;
    return undefined;
  }
  const caller = guard.callerOf(call.sdk.http?.authInfo).subject;
  const rule = outcome.record.decision.rule;
  if (outcome.kind === 'confirm') {
    call.logger.info({ caller, rule, confirmationId: outcome.record.confirmationId }, 'confirmation required');
    // The decision is on record (nothing was sent to CES); the redeeming call's events carry the same id.
    await deps.audit?.record(call.auditEvent('policy.confirmation_required', null));
    return { content: [{ type: 'text', text: outcome.text }], structuredContent: outcome.structured };
  }
  if (outcome.kind === 'ask') {
    // 2026 era: the client asks its user and calls again with the answer and the sealed state.
    call.logger.info({ caller, rule, confirmationId: outcome.record.confirmationId }, 'confirmation asked of the client user (input required)');
    await deps.audit?.record(call.auditEvent('policy.confirmation_required', null));
    return inputRequired({
      inputRequests: {
        [CONFIRMATION_ANSWER_KEY]: inputRequired.elicit({ mode: 'form', message: outcome.question.message, requestedSchema: outcome.question.requestedSchema }),
      },
      requestState: outcome.requestState,
    });
  }
  if (outcome.kind === 'declined') {
    call.logger.info({ caller, rule, answer: outcome.record.confirmation?.answer }, 'change not confirmed by the client user');
    await deps.audit?.record(call.auditEvent('policy.confirmation_declined', null));
    return { content: [{ type: 'text', text: outcome.text }], structuredContent: { not_confirmed: outcome.record.confirmation?.answer ?? 'decline' } };
  }
  call.logger.info({ caller, rule, cesIdentity: outcome.record.cesIdentity }, 'tool call denied');
  await deps.audit?.record(call.auditEvent(rule === 'scope' || rule === 'identity' ? 'auth.denied' : 'policy.denied', null));
  call.errorType = 'denied';
  return errorResult(outcome.text);
}

/** Form-mode elicitation: `elicitation: {}` (form by default, 2025-11-25) or with `form` named. */
const asksForms = (caps: ClientCapabilities | undefined): boolean => {
  const e = caps?.elicitation as { form?: unknown; url?: unknown } | undefined;
  return e !== undefined && (e.form !== undefined || e.url === undefined);
};

/**
 * Whether and how this call can ask the client's user (docs/security.md, "Human confirmation"):
 * 2026-era requests by their own declared capabilities (input-required rounds); 2025-era sessions
 * by what they declared at initialize (`elicitation/create` now). A 2025-era request served without
 * a session (stateless HTTP) cannot be asked: the answer could reach another replica.
 */
function humanChannel(call: Call, deps: CallDeps): HumanChannel {
  const { sdk } = call;
  const envelope = sdk.mcpReq.envelope as Record<string, unknown> | undefined;
  if (envelope !== undefined) {
    if (!asksForms(envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined)) {
      return { via: 'none', missing: 'the request does not declare the elicitation capability (form mode)' };
    }
    const state = sdk.mcpReq.requestState();
    return { via: 'input_required', retry: typeof state === 'string' ? { state, responses: sdk.mcpReq.inputResponses } : undefined };
  }
  const caps = call.clientCapabilities?.();
  if (caps === undefined) {
    return {
      via: 'none',
      missing:
        deps.transport === 'http'
          ? 'a 2025-era client on stateless HTTP cannot be sent a question, because its answer could reach another replica; use a 2026-07-28 client'
          : 'the client declared no capabilities',
    };
  }
  if (!asksForms(caps)) return { via: 'none', missing: 'the client did not declare the elicitation capability (form mode) when it connected' };
  return {
    via: 'elicitation',
    elicit: async (question, timeoutMs, asked): Promise<HumanAnswer> => {
      // On record before the question goes out: a person may take minutes, or never answer.
      call.access = asked;
      await deps.audit?.record(call.auditEvent('policy.confirmation_required', null));
      try {
        const answer = await sdk.mcpReq.elicitInput(
          { mode: 'form', message: question.message, requestedSchema: question.requestedSchema },
          { timeout: timeoutMs, signal: call.signal },
        );
        return { action: answer.action, content: answer.content as Record<string, unknown> | undefined };
      } catch (error) {
        if (call.signal.aborted) throw error;
        if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) return { action: 'timeout' };
        // The client failed to ask: nobody said yes.
        call.logger.info({ err: error }, 'the client could not ask its user');
        return { action: 'cancel' };
      }
    },
  };
}

/**
 * The CES target as the tool sees it: every request carries the call's signal and correlation id; a
 * call that has been cancelled sends nothing more to CES; POSTs are noted (a change may be under way)
 * with the set a reply names, for the answer a shutdown gives (drain.ts); and a write tool's POSTs
 * are noted for audit (with their result) as they happen.
 */
function callCes(call: Call, target: CesTarget): CallCes {
  const observed = interceptTarget(target, async (operation, _input, _options, next) => {
    if (call.signal.aborted) throw call.signal.reason;
    if (operation.method !== 'POST') return next();
    call.cesPosted = true;
    if (!call.writes) return noteSet(call, await next());
    const entry = {
      operation: operation.id,
      method: operation.method,
      pathTemplate: `/ispw/{srid}${operation.path}`,
      result: 'ok' as 'ok' | 'failed',
      status: null as number | null,
    };
    call.cesWrites.push(entry);
    try {
      return noteSet(call, await next());
    } catch (error) {
      entry.result = 'failed';
      entry.status = error instanceof CesError ? (error.details.status ?? null) : null;
      throw error;
    }
  });
  const options = { signal: call.signal, requestId: call.correlationId };
  return {
    instance: target.instance,
    srid: target.srid,
    runtimeConfig: target.runtimeConfig,
    timeoutMs: target.timeoutMs,
    identity: target.identity,
    call: (operation, input, own) => observed.call(operation, input, own?.timeoutMs === undefined ? options : { ...options, timeoutMs: own.timeoutMs }),
  };
}

/** Remembers the set a CES reply names (lifecycle operations answer `{setId, url}`). */
function noteSet<R>(call: Call, reply: R): R {
  const setId = (reply as { setId?: unknown } | null | undefined)?.setId;
  if (typeof setId === 'string' && setId.trim() !== '') call.setId = setId.trim();
  return reply;
}

/** What the tool sees of its call; methods on the prototype, so a call allocates one small object. */
class CallContext implements ToolContext {
  constructor(
    private readonly call: Call,
    readonly ces: CallCes,
    readonly wait: WaitSettings,
  ) {}

  get signal(): AbortSignal {
    return this.call.signal;
  }

  get logger(): Logger {
    return this.call.logger;
  }

  async sleep(ms: number, until?: AbortSignal): Promise<void> {
    if (!until) return delay(ms, undefined, { signal: this.call.signal });
    // A plain linked signal, disposed at once (no composite signals on the call path: docs/performance.md optimisation 8).
    const linked = linkSignals([this.call.signal, until]);
    try {
      await delay(ms, undefined, { signal: linked.signal });
    } finally {
      linked.dispose();
    }
  }

  now(): number {
    return performance.now();
  }

  async progress(update: ProgressUpdate): Promise<void> {
    const progressToken = this.call.sdk.mcpReq._meta?.progressToken;
    if (progressToken === undefined) return;
    await this.call.sdk.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, ...update } });
  }
}

function runTool(call: Call, deps: CallDeps) {
  return call.tool.run(call.toolInput ?? call.args, new CallContext(call, callCes(call, call.target!), deps.wait));
}

/** Tools called with wait_seconds report how the set wait ended (set-op.ts). */
function noteSetWait(call: Call, deps: CallDeps, structured: unknown): void {
  if (!deps.metrics) return;
  const s = structured as { outcome?: unknown; waitedSeconds?: unknown } | undefined;
  if (typeof s?.outcome === 'string' && typeof s.waitedSeconds === 'number') deps.metrics.setWait(call.tool.name, s.outcome, s.waitedSeconds);
}

/** Bounded error type of a failed call (metrics label, span `error.type`, audit `errorCode`). */
function errorTypeOf(error: unknown, signal: AbortSignal): string {
  // Whatever a step threw once the shutdown cancelled the call (a CES request cut short, say).
  if (signal.reason instanceof ShutdownCancellation) return 'cancelled';
  if (error instanceof CesError) return error.code;
  if (error instanceof ToolInputError) return 'invalid_arguments';
  if (error instanceof RetryLaterError) return 'limited';
  if (signal.aborted) return 'cancelled';
  return 'internal';
}

/** Maps errors: caller-fixable problems become tool errors with a hint; bugs only a correlation id. */
function mapError(call: Call, error: unknown): CallToolResult {
  const { tool, correlationId, signal } = call;
  call.errorType = errorTypeOf(error, signal);
  const ms = call.elapsedMs;
  // First: once the shutdown cancelled the call, whatever a step threw is its answer's cause.
  if (signal.reason instanceof ShutdownCancellation) {
    call.logger.info({ ms, setId: call.setId }, 'tool call cancelled by the shutdown');
    const setId = call.setId ?? (typeof call.args.set_id === 'string' ? call.args.set_id : undefined);
    return errorResult(shutdownAnswer({ tool: tool.name, writes: tool.kind !== 'read', setId, cesPosted: call.cesPosted }));
  }
  if (error instanceof CesError) {
    call.logger.info({ ms, code: error.code, operation: error.details.operation, status: error.details.status }, 'tool call failed at CES');
    return errorResult(`${tool.name}: ${describeCesError(error)}`);
  }
  if (error instanceof ToolInputError) {
    call.logger.info({ ms }, 'tool call refused: %s', error.message);
    return errorResult(`${tool.name}: ${error.message}${error.hint ? ` ${error.hint}` : ''}`);
  }
  if (error instanceof RetryLaterError) {
    call.logger.info({ ms, retryAfterSeconds: error.retryAfterSeconds }, 'tool call limited');
    return errorResult(`${tool.name}: ${error.message}`);
  }
  if (signal.aborted) {
    return errorResult(`${tool.name}: the call was cancelled before it finished. For a write, check its effect with ispw_get_set or the list tools.`);
  }
  call.logger.error({ ms, err: error }, 'tool call failed unexpectedly');
  return errorResult(`${tool.name}: internal error (correlation id ${correlationId}); the server log has the details.`);
}
