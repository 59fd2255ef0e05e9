// Readiness: is this replica able to serve tool calls? Configuration valid (it is, or the server
// would not have started), secrets readable, each CES instance reachable with its token accepted,
// the circuit breaker not open, the audit sink taking writes (when write tools need it), and the
// server not draining. CES is probed with a cheap read-only
// call — `GET /ispw/{srid}/containers/list?containerType=A&containerId=READYZPROBE` — because it
// checks what tool calls need (token, SRID, the CES-to-ISPW connection) and returns an empty list
// for an id that cannot exist (assignment ids have at most 10 characters). The CES version endpoint
// would not do: CES answers it without a token. Results are cached so probes cannot flood CES.
//
// CES answering 429 is overload, not unreadiness: every replica sees the same CES, so taking them
// all out of the load balancer at once would turn a slowdown into an outage. The replica stays
// ready (status `degraded`) and calls are shed with a retry-after (ces/client.ts). An audit sink
// that refuses writes makes a fail-closed replica not ready (its write tools are all refused), and
// a fail-open one `degraded`.
import type { Logger } from 'pino';

import type { CesDirectory } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import { ops } from '../ces/operations.js';
import type { Metrics } from './metrics.js';

export const PROBE_CONTAINER_ID = 'READYZPROBE';

export interface CesProbe {
  instance: string;
  srid: string;
  breaker: 'closed' | 'open' | 'half-open' | 'unknown';
  /** ok; overloaded (CES answered 429: still ready); or why not: token_rejected, unreachable, timeout, srid_unknown, ces_error, … */
  status: string;
  message?: string;
  /** CES's own version, when it says (diagnostics; docs/ces-api.md §2.6). */
  cesVersion?: string;
}

export interface AuditCheck {
  ok: boolean;
  /** `writable`, or `refusing_writes` since a write failed (until a write or a probe succeeds). */
  state: 'writable' | 'refusing_writes';
  failMode: 'closed' | 'open';
  since: string;
  reason?: string;
}

export interface ReadinessReport {
  ready: boolean;
  /** degraded: ready, but CES is shedding load (429) or a fail-open audit sink refuses writes. */
  status: 'ready' | 'degraded' | 'not_ready' | 'draining';
  checks: {
    config: 'ok';
    secrets: { ok: boolean; missing: string[] };
    ces: CesProbe[];
    audit?: AuditCheck;
  };
  checkedAt: string;
}

/** The audit sink's state as readiness reads it (audit/sink.ts has the same shape). */
export interface AuditHealth {
  writable: boolean;
  /** When `writable` last changed (ISO 8601). */
  since: string;
  /** Error code of the failure while not writable. */
  reason?: string;
}

/** The audit trail as readiness sees it (audit/trail.ts). */
export interface AuditReadiness {
  readonly failClosed: boolean;
  health(): AuditHealth;
  /** While not writable: checks whether the sink takes writes again. */
  probe(): Promise<AuditHealth>;
}

export interface ReadinessDeps {
  directory: CesDirectory;
  /** Secret readiness (config/secret-health.ts); names only, never values. */
  secrets?: { problems(): string[] } | undefined;
  isDraining: () => boolean;
  /** The audit trail; a fail-closed sink that refuses writes makes the replica not ready. */
  audit?: AuditReadiness | undefined;
  cacheMs: number;
  probeTimeoutMs?: number;
  metrics?: Metrics | undefined;
  logger: Logger;
}

const STATUS_OF: Partial<Record<CesError['code'], string>> = {
  ces_auth: 'token_rejected',
  ces_not_found: 'srid_unknown',
  ces_unavailable: 'unreachable',
  ces_timeout: 'timeout',
  ces_server: 'ces_error',
  ces_rate_limited: 'overloaded',
  ces_bad_reply: 'bad_reply',
};

/** Probe results that leave the replica ready: CES answered, or answered that it is overloaded. */
const READY_STATUSES = new Set(['ok', 'overloaded']);

export class Readiness {
  private cached: { at: number; probes: CesProbe[] } | undefined;
  private inflight: Promise<CesProbe[]> | undefined;
  private lastReady: boolean | undefined;

  constructor(private readonly deps: ReadinessDeps) {}

  async check(): Promise<ReadinessReport> {
    const missing = this.deps.secrets?.problems() ?? [];
    const draining = this.deps.isDraining();
    const [probes, audit] = await Promise.all([draining ? (this.cached?.probes ?? []) : this.probes(), this.auditCheck()]);
    const auditBlocks = audit !== undefined && !audit.ok && audit.failMode === 'closed';
    const ready = !draining && missing.length === 0 && !auditBlocks && probes.length > 0 && probes.every((p) => READY_STATUSES.has(p.status));
    const degraded = ready && (probes.some((p) => p.status !== 'ok') || audit?.ok === false);
    if (ready !== this.lastReady) {
      this.lastReady = ready;
      this.deps.metrics?.ready(ready);
      const reasons = probes.filter((p) => p.status !== 'ok').map((p) => `${p.instance}: ${p.status}`);
      if (draining) reasons.push('draining');
      if (missing.length) reasons.push(`secrets missing: ${missing.join(', ')}`);
      if (audit && !audit.ok) reasons.push(`audit sink refuses writes (${audit.reason ?? 'error'})`);
      this.deps.logger[ready ? 'info' : 'warn']({ reasons }, ready ? 'ready' : 'not ready');
    }
    return {
      ready,
      status: draining ? 'draining' : !ready ? 'not_ready' : degraded ? 'degraded' : 'ready',
      checks: { config: 'ok', secrets: { ok: missing.length === 0, missing }, ces: probes, ...(audit ? { audit } : {}) },
      checkedAt: new Date().toISOString(),
    };
  }

  /** The audit sink's state; while it refuses writes, a probe checks whether it would take them again. */
  private async auditCheck(): Promise<AuditCheck | undefined> {
    const trail = this.deps.audit;
    if (!trail) return undefined;
    let health = trail.health();
    if (!health.writable) health = await trail.probe();
    return {
      ok: health.writable,
      state: health.writable ? 'writable' : 'refusing_writes',
      failMode: trail.failClosed ? 'closed' : 'open',
      since: health.since,
      ...(health.reason ? { reason: health.reason } : {}),
    };
  }

  private async probes(): Promise<CesProbe[]> {
    if (this.cached && performance.now() - this.cached.at < this.deps.cacheMs) return this.cached.probes;
    // One probe at a time however many probes (kubelet, load balancer, healthcheck) arrive together.
    this.inflight ??= this.runProbes().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async runProbes(): Promise<CesProbe[]> {
    const probes = await Promise.all(this.deps.directory.describe().map((d) => this.probe(d.instance, d.srids[0]!)));
    this.cached = { at: performance.now(), probes };
    return probes;
  }

  private probe(instance: string, srid: string): Promise<CesProbe> {
    return probeCes(this.deps.directory, instance, srid, this.deps.probeTimeoutMs ?? 5000);
  }
}

/**
 * One readiness probe of a CES instance: a cheap read under the instance's credentials (one attempt:
 * a retry would wait out a 429's Retry-After and turn overload into a probe timeout), and CES's
 * version alongside it. Shared by /readyz and `config check --probe`.
 */
export async function probeCes(directory: CesDirectory, instance: string, srid: string, timeoutMs: number): Promise<CesProbe> {
  const breakerState = () => directory.breakerState?.(instance) ?? 'unknown';
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await directory
      .resolve(srid)
      .call(ops.listContainers, { query: { containerType: 'A', containerId: PROBE_CONTAINER_ID } }, { signal, requestId: 'ispw-mcp-readyz', retry: false });
  } catch (error) {
    const status = error instanceof CesError ? (STATUS_OF[error.code] ?? 'ces_error') : 'timeout';
    const message = error instanceof CesError ? error.message : 'the probe did not finish in time';
    return { instance, srid, breaker: breakerState(), status, message };
  }
  // Only of a CES that answered: one that sheds load or is down gets no extra request.
  const cesVersion = await directory.cesVersion?.(instance, signal).catch(() => undefined);
  return { instance, srid, breaker: breakerState(), status: 'ok', ...(cesVersion ? { cesVersion } : {}) };
}
