// The Prometheus metrics of one server (prom-client, its own registry — never the global one, so
// several servers in one process, e.g. tests, stay apart). Methods take only bounded values:
// configured instance names, catalogue operation ids, registered tool names, fixed enums.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { PRODUCT } from '../shared/version.js';
import type { CertificateExpiry } from './certificate-expiry.js';
import { CES_DURATION_BUCKETS, MCP_DURATION_BUCKETS, METRIC, SET_WAIT_BUCKETS, type AuthFailureReason } from './names.js';

export type BreakerStateName = 'closed' | 'open' | 'half-open';
const BREAKER_STATES: readonly BreakerStateName[] = ['closed', 'open', 'half-open'];

export class Metrics {
  readonly registry = new Registry();
  private readonly operationDuration = new Histogram({
    name: METRIC.operationDuration,
    help: 'Duration of MCP server operations (tools/call), by method, tool and error type ("" on success).',
    labelNames: ['mcp_method_name', 'gen_ai_tool_name', 'error_type'] as const,
    buckets: MCP_DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly inflight = new Gauge({ name: METRIC.inflightCalls, help: 'Tool calls being executed now.', registers: [this.registry] });
  private readonly cesDuration = new Histogram({
    name: METRIC.cesRequestDuration,
    help: 'Duration of HTTP requests to CES (each attempt), by instance, catalogue operation, method and status class.',
    labelNames: ['ces_instance', 'operation', 'http_request_method', 'status_class'] as const,
    buckets: CES_DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly cesRetries = new Counter({
    name: METRIC.cesRetries,
    help: 'Retries of CES requests (safe reads, 429, 503 with Retry-After), by instance and operation.',
    labelNames: ['ces_instance', 'operation'] as const,
    registers: [this.registry],
  });
  private readonly breaker = new Gauge({
    name: METRIC.cesBreakerState,
    help: 'Circuit-breaker state per CES instance: 1 for the current state, 0 for the others.',
    labelNames: ['ces_instance', 'state'] as const,
    registers: [this.registry],
  });
  private readonly setWaits = new Counter({
    name: METRIC.setWaits,
    help: 'Waits for a CES set by tools called with wait_seconds, by tool and outcome.',
    labelNames: ['tool', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly setWaitDuration = new Histogram({
    name: METRIC.setWaitDuration,
    help: 'Time spent waiting for a CES set, by tool and outcome.',
    labelNames: ['tool', 'outcome'] as const,
    buckets: SET_WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly policyDenials = new Counter({
    name: METRIC.policyDenials,
    help: 'Tool calls denied by the lifecycle policy (freeze windows, ticket rule, deny rules, the default), by tool and rule.',
    labelNames: ['tool', 'rule'] as const,
    registers: [this.registry],
  });
  private readonly confirmations = new Counter({
    name: METRIC.confirmations,
    help: 'Confirmations of guarded tool calls, by tool, result (issued: a token; asked: a question to the client user; redeemed: executed after a confirmation; declined: the person said no; refused) and reason (refused: invalid, expired, caller, tool, arguments, state, replayed, human_required, human_unavailable; redeemed: token, human_elicitation, human_input_required; declined: decline, cancel, timeout; "" otherwise).',
    labelNames: ['tool', 'result', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly authFailures = new Counter({
    name: METRIC.authFailures,
    help: 'Rejected MCP callers, by reason (bearer token, mTLS handshake, scope, CES identity mapping).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: METRIC.rateLimited,
    help: 'Rate-limited calls, by source (ces: CES answered 429; shed: not sent while CES asked for a pause after a 429; server: the per-caller rate limit refused the call; concurrency: the per-instance CES concurrency limit refused it or it could not start in time).',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly auditEvents = new Counter({
    name: METRIC.auditEvents,
    help: 'Audit events written, by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly auditFailures = new Counter({
    name: METRIC.auditFailures,
    help: 'Audit events that could not be written, by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly auditSinkWritable = new Gauge({
    name: METRIC.auditSinkWritable,
    help: 'Whether the audit sink is taking writes (1) or refusing them since a failed write (0; with fail-closed, write tools are refused).',
    registers: [this.registry],
  });
  private readonly auditRecoveries = new Counter({
    name: METRIC.auditRecoveries,
    help: 'Torn audit file tails (a record cut short by a crash or a full disk) named by an audit.recovered event at start-up.',
    registers: [this.registry],
  });
  private readonly auditRotations = new Counter({
    name: METRIC.auditRotations,
    help: 'Rotations of the audit file, by trigger (size, time) and result (ok, failed).',
    labelNames: ['trigger', 'result'] as const,
    registers: [this.registry],
  });
  private readonly cesCallbacks = new Counter({
    name: METRIC.cesCallbacks,
    help: 'CES callbacks received for set waits, by result (woken, ignored, unknown).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly secretReloads = new Counter({
    name: METRIC.secretReloads,
    help: 'Re-reads of rotated secret files, by result (ok, failed).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly readyGauge = new Gauge({
    name: METRIC.ready,
    help: 'Result of the last readiness check (1 ready, 0 not ready).',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.auditSinkWritable.set(1);
    new Gauge({ name: METRIC.buildInfo, help: 'Build information; always 1.', labelNames: ['version'] as const, registers: [this.registry] }).set(
      { version: PRODUCT.version },
      1,
    );
  }

  toolCall(tool: string, errorType: string | undefined, seconds: number): void {
    this.operationDuration.observe({ mcp_method_name: 'tools/call', gen_ai_tool_name: tool, error_type: errorType ?? '' }, seconds);
  }

  cesRequest(instance: string, operation: string, method: string, statusClass: string, seconds: number): void {
    this.cesDuration.observe({ ces_instance: instance, operation, http_request_method: method, status_class: statusClass }, seconds);
  }

  cesRetry(instance: string, operation: string): void {
    this.cesRetries.inc({ ces_instance: instance, operation });
  }

  breakerState(instance: string, state: BreakerStateName): void {
    for (const s of BREAKER_STATES) this.breaker.set({ ces_instance: instance, state: s }, s === state ? 1 : 0);
  }

  setWait(tool: string, outcome: string, seconds: number): void {
    this.setWaits.inc({ tool, outcome });
    this.setWaitDuration.observe({ tool, outcome }, seconds);
  }

  policyDenial(tool: string, rule: string): void {
    this.policyDenials.inc({ tool, rule });
  }

  /** `reason`: the failure of a refusal, how a change was confirmed, or the answer that declined it. */
  confirmation(tool: string, result: 'issued' | 'asked' | 'redeemed' | 'declined' | 'refused', reason = ''): void {
    this.confirmations.inc({ tool, result, reason });
  }

  authFailure(reason: AuthFailureReason): void {
    this.authFailures.inc({ reason });
  }

  rateLimit(source: 'ces' | 'shed' | 'server' | 'concurrency'): void {
    this.rateLimited.inc({ source });
  }

  auditWritten(type: string): void {
    this.auditEvents.inc({ type });
  }

  auditFailed(type: string): void {
    this.auditFailures.inc({ type });
  }

  auditWritable(writable: boolean): void {
    this.auditSinkWritable.set(writable ? 1 : 0);
  }

  auditRecovered(): void {
    this.auditRecoveries.inc();
  }

  auditRotated(trigger: 'size' | 'time', result: 'ok' | 'failed'): void {
    this.auditRotations.inc({ trigger, result });
  }

  cesCallback(result: 'woken' | 'ignored' | 'unknown'): void {
    this.cesCallbacks.inc({ result });
  }

  secretReload(result: 'ok' | 'failed'): void {
    this.secretReloads.inc({ result });
  }

  /**
   * Reports, at each scrape, whether confirmation tokens are signed with the shared key of the
   * key file (1) or not (0: no key file, so a per-process key, or its key rotated to an unusable
   * value). Registered only where confirmations exist (a policy file is configured).
   */
  confirmationKeyShared(isShared: () => boolean): void {
    new Gauge({
      name: METRIC.confirmationKeyShared,
      help: 'Whether confirmation tokens are signed with the shared key of ISPW_MCP_CONFIRM_KEY_FILE (1) or a per-process or unusable key (0).',
      registers: [this.registry],
      collect() {
        this.set(isShared() ? 1 : 0);
      },
    });
  }

  ready(value: boolean): void {
    this.readyGauge.set(value ? 1 : 0);
  }

  /**
   * Registers `ispw_mcp_certificate_expiry_timestamp_seconds`, filled at each scrape by `read`
   * (telemetry/certificate-expiry.ts), so rotated files show their new expiry at once.
   */
  certificateExpiry(read: () => Promise<CertificateExpiry[]>): void {
    new Gauge({
      name: METRIC.certificateExpiry,
      help: 'notAfter of the configured certificates, seconds since the epoch, by kind (ces_client, ces_ca, listener, listener_client_ca) and ces_instance (CES instance name, or listener; not `instance`, which Prometheus reserves for the scrape target); the earliest of a file with several certificates.',
      labelNames: ['kind', 'ces_instance'] as const,
      registers: [this.registry],
      async collect() {
        const expiries = await read();
        this.reset();
        for (const e of expiries) this.set({ kind: e.kind, ces_instance: e.instance }, e.notAfterSeconds);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
