// The auth.denied event of a tools/call the HTTP gate refuses with 403 insufficient_scope. Such a
// call never reaches the call wrapper (src/mcp/call.ts, which audits its own in-call denials), so
// the gate hands it here: exactly one event per refused call, with the actor from the token.
import { randomUUID } from 'node:crypto';

import type { ScopeDenial } from '../auth/http-gate.js';
import type { CesDirectory } from '../ces/api.js';
import type { Logger } from '../telemetry/logger.js';
import type { AuditEventBody } from '../audit/schema.js';
import { SERVICE } from '../audit/sink.js';
import { auditArguments, auditTarget, type AuditTrail } from '../audit/trail.js';

const META_CLIENT = 'io.modelcontextprotocol/clientInfo';
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The event body; `ces` is the instance and SRID the call named (null when it named none that exists). */
export function scopeDenialEvent(
  denial: ScopeDenial,
  ces: { instance: string; srid: string } | undefined,
  correlationId: string = randomUUID(),
): AuditEventBody {
  const { srid: _srid, ...args } = denial.args;
  const client = denial.meta?.[META_CLIENT] as { name?: unknown; version?: unknown } | undefined;
  const traceparent = denial.meta?.traceparent;
  const traceId = typeof traceparent === 'string' ? (TRACEPARENT.exec(traceparent)?.[1] ?? null) : null;
  return {
    type: 'auth.denied',
    service: SERVICE,
    actor: {
      caller: denial.principal.subject,
      authMethod: denial.principal.via === 'mtls' ? 'mtls' : 'oauth',
      client: typeof client?.name === 'string' ? { name: client.name, version: typeof client.version === 'string' ? client.version : null } : null,
      transport: 'http',
    },
    // No CES identity was resolved: the call stopped before it (as the in-call scope check does).
    ces: { instance: ces?.instance ?? null, srid: ces?.srid ?? null, mainframeUser: null },
    action: { tool: denial.tool.name, toolKind: denial.tool.kind, cesOperations: [] },
    target: auditTarget(args),
    decision: { result: 'denied', rule: 'scope', confirmationId: null, reason: `needs ${denial.neededScope}`, confirmation: null },
    outcome: null,
    correlation: { correlationId, requestId: denial.requestId === null ? null : String(denial.requestId), sessionId: null, traceId },
    arguments: auditArguments(args),
  };
}

/** The gate's `onScopeDenied`: logs the refusal and records it before the 403 is sent. */
export function scopeDenialRecorder(audit: AuditTrail, directory: CesDirectory, logger: Logger) {
  return async (denial: ScopeDenial): Promise<void> => {
    let ces: { instance: string; srid: string } | undefined;
    try {
      const srid = denial.args.srid;
      ces = directory.resolve(typeof srid === 'string' ? srid : undefined);
    } catch {
      ces = undefined; // an unknown srid: the event says so with nulls
    }
    const correlationId = randomUUID();
    logger.info(
      { correlationId, mcpMethod: 'tools/call', tool: denial.tool.name, caller: denial.principal.subject, rule: 'scope', neededScope: denial.neededScope },
      'tool call denied',
    );
    await audit.record(scopeDenialEvent(denial, ces, correlationId));
  };
}
