// The audit event: one event per write attempt, per policy or auth denial, per confirmation asked
// for or declined, and per outcome; plus the sink's `audit.recovered` marker after a torn write.
// Version 2 (written now) adds how a change was confirmed (`decision.confirmation`: by a person
// through elicitation or an input-required round, or by token) and the `policy.confirmation_declined`
// event. Version 1 lines stay valid: `audit verify` checks each line against its own version, and a
// file may hold both across an upgrade. The zod schemas are the source of
// docs/audit/audit-event.v{1,2}.schema.json (a test keeps the committed JSON Schemas in step). Fields that are not known are null, never invented: over stdio
// or unauthenticated HTTP the caller is null and the auth method "none".
import { z } from 'zod';

export const AUDIT_SCHEMA_VERSION = '2';
/** Versions `audit verify` accepts (each line against its own). */
export const AUDIT_SCHEMA_VERSIONS = ['1', '2'] as const;
/** Marker of audit lines, first key of every event, so a shared stream (stderr) can be split. */
export const AUDIT_STREAM = 'audit';
export const GENESIS_HASH = '0'.repeat(64);

const AUDIT_EVENT_TYPES_V1 = ['write.attempt', 'write.outcome', 'policy.denied', 'auth.denied', 'policy.confirmation_required'] as const;
export const AUDIT_EVENT_TYPES = [...AUDIT_EVENT_TYPES_V1, 'policy.confirmation_declined'] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

const nullableString = z.string().nullable();

export const AuditActor = z.strictObject({
  caller: nullableString.describe('authenticated subject (OAuth sub); null when not authenticated (stdio, local HTTP)'),
  authMethod: z.enum(['none', 'oauth', 'mtls']).describe('how the caller was authenticated (mtls: client certificate on the listener)'),
  client: z.strictObject({ name: z.string(), version: z.string().nullable() }).nullable().describe('MCP client software, when it said'),
  transport: z.enum(['stdio', 'http']),
});

export const AuditCes = z.strictObject({
  instance: nullableString.describe('configured CES instance name'),
  srid: nullableString,
  mainframeUser: nullableString.describe('mainframe user the CES token maps to, when known'),
});

export const AuditCesOperation = z.strictObject({
  operation: z.string().describe('catalogue operation id, e.g. assignment.promote'),
  method: z.enum(['GET', 'POST']),
  pathTemplate: z.string().describe('e.g. /ispw/{srid}/assignments/{assignmentId}/tasks/promote'),
  result: z.enum(['ok', 'failed']),
  status: z.number().int().nullable().describe('HTTP status of a failed request; null on success or when CES did not answer'),
});

export const AuditAction = z.strictObject({
  tool: z.string(),
  toolKind: z.enum(['read', 'write', 'destructive']),
  cesOperations: z.array(AuditCesOperation).describe('write requests sent to CES during the call (set polls are not listed)'),
});

export const AuditTarget = z.strictObject({
  containerType: nullableString,
  containerId: nullableString,
  assignmentId: nullableString,
  releaseId: nullableString,
  setId: nullableString,
  deploymentRequestId: nullableString,
  level: nullableString,
  moduleName: nullableString,
  moduleType: nullableString,
  taskIds: z.array(z.string()).nullable(),
});

const AuditDecisionV1 = z.strictObject({
  result: z
    .enum(['allowed', 'denied', 'confirmed', 'confirmation_required'])
    .describe('confirmation_required: a preview and confirmation token were returned and nothing was sent to CES; confirmed: executed with a redeemed token'),
  rule: nullableString.describe('policy rule that decided; null when no rule applied'),
  confirmationId: nullableString.describe('id (jti) of the confirmation token issued or redeemed'),
  reason: nullableString,
});

export const AuditConfirmation = z.strictObject({
  kind: z
    .enum(['human_elicitation', 'human_input_required', 'token'])
    .describe(
      'human_elicitation: the client asked its user (elicitation/create, 2025 era); human_input_required: the same through an input-required round (2026 era); token: a signed confirmation token',
    ),
  answer: z.enum(['accept', 'decline', 'cancel', 'timeout']).nullable().describe('the answer; null while the question is open'),
  askedAt: z.iso.datetime().describe('when the question (or token) was issued, UTC'),
  answeredAt: z.iso.datetime().nullable(),
  previewDigest: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/)
    .describe('SHA-256 (base64url) of what was confirmed: tool, canonical arguments, CES state digest and rule'),
});

export const AuditDecision = AuditDecisionV1.extend({
  result: z
    .enum(['allowed', 'denied', 'confirmed', 'confirmation_required', 'declined'])
    .describe(
      'confirmation_required: a question or token was issued and nothing was sent to CES; confirmed: executed after a confirmation; declined: the person declined, dismissed or did not answer, nothing was sent to CES',
    ),
  confirmationId: nullableString.describe('id of the confirmation token or question issued or answered'),
  confirmation: AuditConfirmation.nullable().describe('how the change was (or is being) confirmed; null when no confirmation applied'),
});

export const AuditOutcome = z.strictObject({
  result: z
    .enum(['submitted', 'succeeded', 'failed', 'unknown'])
    .describe('submitted: CES accepted a set that was not waited to its end; unknown: cancelled after the request may have reached CES'),
  setId: nullableString,
  setState: nullableString,
  cesMessage: nullableString,
  status: z.number().int().nullable().describe('HTTP status of the failing CES request'),
  errorCode: nullableString.describe('ces_* error code, invalid_arguments, cancelled or internal'),
  durationMs: z.number().int().nonnegative(),
});

export const AuditCorrelation = z.strictObject({
  correlationId: z.string().describe('also in the server log lines of the call'),
  requestId: nullableString.describe('JSON-RPC request id'),
  sessionId: nullableString.describe('MCP session id (2025-era stateful HTTP)'),
  traceId: nullableString.describe('W3C trace id when tracing is on'),
});

const AuditEventV1 = z.strictObject({
  stream: z.literal(AUDIT_STREAM),
  schemaVersion: z.literal('1'),
  eventId: z.uuid(),
  time: z.iso.datetime().describe('UTC, ISO 8601'),
  type: z.enum(AUDIT_EVENT_TYPES_V1),
  service: z.strictObject({ name: z.string(), version: z.string() }),
  actor: AuditActor,
  ces: AuditCes,
  action: AuditAction,
  target: AuditTarget,
  decision: AuditDecisionV1,
  outcome: AuditOutcome.nullable().describe('present on write.outcome; null otherwise'),
  correlation: AuditCorrelation,
  arguments: z.record(z.string(), z.unknown()).describe('tool arguments, secrets removed, long strings cut'),
  seq: z.number().int().positive().describe('position in this file/stream chain, from 1'),
  prevHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('hash of the previous event; 64 zeros for the first'),
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 (hex) of this line without its hash field'),
});

export const AuditEvent = AuditEventV1.extend({
  schemaVersion: z.literal(AUDIT_SCHEMA_VERSION),
  type: z.enum(AUDIT_EVENT_TYPES),
  decision: AuditDecision,
});
export type AuditEvent = z.output<typeof AuditEvent>;

/**
 * The sink's own record, written when it starts on a file whose end is not a complete audit event
 * (a write torn by a crash or a full disk): the bytes after the last valid event stay where they
 * are, and this event names them (offset, length, SHA-256) and continues the chain from that last
 * valid event. `audit verify` accepts the torn bytes only when this event's description matches them.
 */
export const AUDIT_RECOVERED = 'audit.recovered';

export const AuditRecovery = z.strictObject({
  reason: z.literal('torn_tail').describe('the file ended with bytes that are not a complete audit event'),
  file: z.string().describe('base name of the file that holds the torn bytes'),
  offset: z.number().int().nonnegative().describe('byte offset of the torn bytes in that file'),
  bytes: z.number().int().nonnegative().describe('length of the torn bytes (without a final newline)'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 (hex) of the torn bytes'),
});

export const AuditRecoveredEvent = z.strictObject({
  stream: z.literal(AUDIT_STREAM),
  schemaVersion: z.enum(AUDIT_SCHEMA_VERSIONS).describe('the version of the sink that wrote the marker'),
  eventId: z.uuid(),
  time: z.iso.datetime().describe('UTC, ISO 8601'),
  type: z.literal(AUDIT_RECOVERED),
  service: z.strictObject({ name: z.string(), version: z.string() }),
  recovery: AuditRecovery,
  seq: z.number().int().positive(),
  prevHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('hash of the last valid event before the torn bytes'),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditRecoveredEvent = z.output<typeof AuditRecoveredEvent>;
export type AuditRecovery = z.output<typeof AuditRecovery>;

/** Any line of an audit file: a tool event of either version or the sink's recovery marker. */
export const AuditLine = z.union([AuditEvent, AuditEventV1, AuditRecoveredEvent]);
/** The lines version 1 of the schema allowed (docs/audit/audit-event.v1.schema.json). */
const AuditLineV1 = z.union([AuditEventV1, AuditRecoveredEvent.extend({ schemaVersion: z.literal('1') })]);
export type AuditTarget = z.output<typeof AuditTarget>;
export type AuditOutcome = z.output<typeof AuditOutcome>;

/** What callers provide; the sink adds stream, version, id, time, seq and hashes. */
export type AuditEventBody = Omit<AuditEvent, 'stream' | 'schemaVersion' | 'eventId' | 'time' | 'seq' | 'prevHash' | 'hash'>;
/** What the sink seals: a tool event or its own recovery marker. */
export type SealableBody = AuditEventBody | Omit<AuditRecoveredEvent, 'stream' | 'schemaVersion' | 'eventId' | 'time' | 'seq' | 'prevHash' | 'hash'>;

/** The JSON Schema of one version, committed under docs/audit/ (v2: the lines written now). */
export function auditJsonSchema(version: (typeof AUDIT_SCHEMA_VERSIONS)[number] = AUDIT_SCHEMA_VERSION): object {
  const lines = version === '1' ? AuditLineV1 : z.union([AuditEvent, AuditRecoveredEvent.extend({ schemaVersion: z.literal('2') })]);
  return {
    ...z.toJSONSchema(lines, { target: 'draft-2020-12' }),
    $id: `https://ispw-mcp.dev/schemas/audit-event.v${version}.json`,
    title: `ispw-mcp audit event, version ${version}`,
  };
}
