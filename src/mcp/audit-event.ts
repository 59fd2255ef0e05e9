// Builds the audit event of a tool call (schema v2, src/audit/schema.ts) from what the call wrapper
// knows: who called (through the guard), the CES target, the tool, the CES writes it made, the
// access decision and the correlation ids. Pure: writing is the trail's job.
import type { ServerContext } from '@modelcontextprotocol/server';

import type { AuditEventBody, AuditEventType, AuditOutcome } from '../audit/schema.js';
import { SERVICE } from '../audit/sink.js';
import { auditArguments, auditTarget } from '../audit/trail.js';
import type { AnyToolDef } from './kit/define-tool.js';
import type { AccessRecord, Caller } from './kit/guard.js';

/** What one call contributes to its audit events. */
export interface AuditedCall {
  readonly tool: AnyToolDef;
  readonly correlationId: string;
  readonly sdk: ServerContext;
  /** The call's arguments without srid (and without a redeemed confirmation token). */
  readonly args: Record<string, unknown>;
  readonly target: { instance: string; srid: string } | undefined;
  readonly cesWrites: AuditEventBody['action']['cesOperations'];
  readonly access: AccessRecord | undefined;
  readonly traceId: string | undefined;
  /** The authenticated caller; undefined for an unauthenticated request. */
  readonly caller: Caller | undefined;
  readonly transport: 'stdio' | 'http';
  /** The client's name and version from the 2026-era `_meta` envelope. */
  readonly client: { name?: unknown; version?: unknown } | undefined;
}

export function auditEvent(call: AuditedCall, type: AuditEventType, outcome: AuditOutcome | null): AuditEventBody {
  const { caller, client } = call;
  return {
    type,
    service: SERVICE,
    actor: {
      caller: caller?.subject ?? null,
      authMethod: caller === undefined ? 'none' : caller.via === 'mtls' ? 'mtls' : 'oauth',
      client: typeof client?.name === 'string' ? { name: client.name, version: typeof client.version === 'string' ? client.version : null } : null,
      transport: call.transport,
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
      traceId: call.traceId ?? null,
    },
    arguments: auditArguments(call.args),
  };
}

/** The audit decision of a call from its access record (no access control: allowed, no rule). */
function decisionOf(access: AccessRecord | undefined): AuditEventBody['decision'] {
  if (!access) return { result: 'allowed', rule: null, confirmationId: null, reason: null, confirmation: null };
  const { decision, confirmation } = access;
  const answered = confirmation?.answer;
  return {
    result:
      decision.effect === 'deny'
        ? 'denied'
        : access.confirmed
          ? 'confirmed'
          : answered !== undefined && answered !== null && answered !== 'accept'
            ? 'declined'
            : decision.effect === 'confirm'
              ? 'confirmation_required'
              : 'allowed',
    rule: decision.rule === 'default' ? null : decision.rule,
    confirmationId: access.confirmationId ?? null,
    reason: decision.reason ?? null,
    confirmation: confirmation ?? null,
  };
}
