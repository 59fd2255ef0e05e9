// Every metric name, label name and span attribute the server emits, in one place, so docs and
// dashboards have one source. MCP names follow the OpenTelemetry MCP and GenAI semantic conventions
// (https://opentelemetry.io/docs/specs/semconv/gen-ai/mcp/); Prometheus names are the OTel names
// with dots turned into underscores and a unit suffix. Labels are bounded: never ids or user names.

export const METRIC = {
  /** OTel `mcp.server.operation.duration` (histogram, seconds). */
  operationDuration: 'mcp_server_operation_duration_seconds',
  inflightCalls: 'ispw_mcp_inflight_tool_calls',
  cesRequestDuration: 'ispw_mcp_ces_request_duration_seconds',
  cesRetries: 'ispw_mcp_ces_retries_total',
  cesBreakerState: 'ispw_mcp_ces_circuit_breaker_state',
  setWaits: 'ispw_mcp_set_waits_total',
  setWaitDuration: 'ispw_mcp_set_wait_duration_seconds',
  policyDenials: 'ispw_mcp_policy_denials_total',
  confirmations: 'ispw_mcp_confirmations_total',
  authFailures: 'ispw_mcp_auth_failures_total',
  rateLimited: 'ispw_mcp_rate_limited_total',
  auditEvents: 'ispw_mcp_audit_events_total',
  auditFailures: 'ispw_mcp_audit_write_failures_total',
  auditSinkWritable: 'ispw_mcp_audit_sink_writable',
  auditRecoveries: 'ispw_mcp_audit_recoveries_total',
  auditRotations: 'ispw_mcp_audit_rotations_total',
  certificateExpiry: 'ispw_mcp_certificate_expiry_timestamp_seconds',
  secretReloads: 'ispw_mcp_secret_reloads_total',
  cesCallbacks: 'ispw_mcp_ces_callbacks_total',
  confirmationKeyShared: 'ispw_mcp_confirmation_key_shared',
  ready: 'ispw_mcp_ready',
  buildInfo: 'ispw_mcp_build_info',
} as const;

/** Span attribute keys (OTel semantic conventions, plus `ispw.*` for the domain). */
export const ATTR = {
  mcpMethod: 'mcp.method.name',
  mcpSession: 'mcp.session.id',
  mcpProtocolVersion: 'mcp.protocol.version',
  jsonrpcRequestId: 'jsonrpc.request.id',
  jsonrpcProtocolVersion: 'jsonrpc.protocol.version',
  networkTransport: 'network.transport',
  genAiOperation: 'gen_ai.operation.name',
  genAiToolName: 'gen_ai.tool.name',
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  httpResendCount: 'http.request.resend_count',
  urlTemplate: 'url.template',
  urlScheme: 'url.scheme',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  cesInstance: 'ispw.ces.instance',
  cesOperation: 'ispw.ces.operation',
  srid: 'ispw.srid',
  toolKind: 'ispw.tool.kind',
} as const;

/** Histogram buckets (seconds) recommended for `mcp.server.operation.duration`. */
export const MCP_DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** CES answers in milliseconds to tens of seconds (-await endpoints block longer). */
export const CES_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
export const SET_WAIT_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** HTTP status → bounded class label; failures without a status keep their kind. */
export function statusClass(result: { status?: number; failure?: string }): string {
  if (result.status !== undefined) return `${Math.floor(result.status / 100)}xx`;
  return result.failure ?? 'unknown';
}

/** Why a caller was refused: the `reason` label of the auth-failure counter (src/auth/failure-reasons.ts classifies). */
export const AUTH_FAILURE_REASONS = [
  'missing_token',
  'malformed_header',
  'token_in_query',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'bad_signature',
  'unknown_key',
  'algorithm_not_allowed',
  'malformed_token',
  'invalid_claims',
  'issuer_unavailable',
  'invalid_token',
  'insufficient_scope',
  'no_client_certificate',
  'untrusted_client_certificate',
  'certificate_without_identity',
  'tls_handshake',
  'no_ces_identity',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];
