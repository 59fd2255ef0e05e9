// The audit sink: a JSON-lines file or the stderr stream (each line marked `"stream":"audit"`),
// kept apart from the debug log. Writes are queued and group-committed (one write and, with
// `fsync`, one fdatasync for everything queued), so concurrent calls share the disk cost.
//
// Events are numbered and hash-chained when their batch is written, in the order they were queued,
// and the chain's head only moves once the batch is in the file: a batch that fails leaves no
// bytes behind (file-output.ts) and no number used, so the next event continues the chain exactly
// where the file ends. A file continues the chain of its last valid event after a restart; bytes
// after that event (a torn write) are named by an `audit.recovered` event before anything else.
import { randomUUID } from 'node:crypto';

import { PRODUCT } from '../shared/version.js';
import { seal } from './chain.js';
import { AuditFile, type Output, type RotationResult } from './file-output.js';
import { type ChainHead, GENESIS, type TornTail } from './file-tail.js';
import { NO_ROTATION, type RotationSettings } from './rotation.js';
import { stderrOutput } from './stderr-output.js';
import { AUDIT_RECOVERED, AUDIT_SCHEMA_VERSION, AUDIT_STREAM, type AuditEventBody, type AuditRecovery, type SealableBody } from './schema.js';

export const SERVICE = { name: PRODUCT.name, version: PRODUCT.version };

/**
 * `fsync`: the event is on disk (fdatasync) before write() resolves; `write`: it has been handed to
 * the OS (survives a process crash, not a power loss); `buffered`: the caller does not wait for it
 * (trail.ts; a crash can lose the last events).
 */
export type AuditDurability = 'fsync' | 'write' | 'buffered';

/** Whether the sink is taking writes: false from a failed write until a write or probe succeeds. */
export interface AuditSinkHealth {
  writable: boolean;
  /** When `writable` last changed (ISO 8601). */
  since: string;
  /** Error code of the failure (`ENOSPC`, `EIO`, …) while not writable. */
  reason?: string;
}

export interface AuditSink {
  /** Writes one event; resolves once it is written (per durability), rejects when it was not. */
  write(event: AuditEventBody): Promise<void>;
  /** Writes everything queued and releases the file. */
  close(): Promise<void>;
  health(): AuditSinkHealth;
  /** While not writable: checks (at most once a second) whether the output takes writes again. */
  probe(): Promise<AuditSinkHealth>;
  readonly description: string;
  readonly durability: AuditDurability;
}

/** What the sink reports; wired to metrics and the log by the caller (audit/sink-telemetry.ts). */
export interface AuditSinkHooks {
  /** A batch of `events` could not be written. */
  onFailure?(error: unknown, events: number): void;
  onWritable?(writable: boolean, error?: unknown): void;
  /** The recovery marker of a torn tail was written, or writing it failed (it is retried). */
  onRecovered?(recovery: AuditRecovery, result: 'written' | 'failed', error?: unknown): void;
  /** A rotation happened (`result.file`) or failed (`error`). */
  onRotated?(trigger: 'size' | 'time', result: RotationResult | undefined, error?: unknown): void;
}

export interface SinkOptions {
  durability: AuditDurability;
  hooks?: AuditSinkHooks | undefined;
  /** Milliseconds since the epoch; event times and rotation follow it (tests inject one). */
  clock?: (() => number) | undefined;
}

interface Queued {
  body: SealableBody;
  eventId: string;
  ms: number;
  done(error?: unknown): void;
}

const errorCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
};

/** A failed rotation is not retried for this long (every batch would try again otherwise). */
const ROTATION_RETRY_MS = 60_000;
const PROBE_INTERVAL_MS = 1_000;
/** Longer timer delays overflow Node's timers; the check simply runs again. */
const MAX_TIMER_MS = 3_600_000;

export function createChainedSink(
  output: Output,
  head: ChainHead,
  description: string,
  options: SinkOptions,
  torn?: { file: string; tail: TornTail },
): AuditSink {
  const hooks = options.hooks ?? {};
  const clock = options.clock ?? Date.now;
  const sync = options.durability === 'fsync';
  let committed = head;
  let queue: Queued[] = [];
  let working: Promise<void> | undefined;
  let closed = false;
  let health: AuditSinkHealth = { writable: true, since: new Date(clock()).toISOString() };
  let rotationBlockedUntil = 0;
  let rotationTimer: NodeJS.Timeout | undefined;
  let lastProbe = -Infinity;
  let probeWaiters: (() => void)[] = [];

  // The recovery marker goes before every other event and is retried until it is written.
  let marker: Queued | undefined;
  let markerDue = false;
  if (torn) {
    const recovery: AuditRecovery = { reason: 'torn_tail', file: torn.file, offset: torn.tail.offset, bytes: torn.tail.bytes, sha256: torn.tail.sha256 };
    marker = {
      body: { type: AUDIT_RECOVERED, service: SERVICE, recovery },
      eventId: randomUUID(),
      ms: clock(),
      done: (error) => hooks.onRecovered?.(recovery, error === undefined ? 'written' : 'failed', error),
    };
    markerDue = true;
  }

  const setWritable = (writable: boolean, error?: unknown) => {
    if (writable === health.writable) return;
    health = { writable, since: new Date(clock()).toISOString(), ...(writable ? {} : { reason: errorCode(error) }) };
    hooks.onWritable?.(writable, error);
  };

  const maybeRotate = async () => {
    if (!output.rotate || marker || clock() < rotationBlockedUntil) return;
    const trigger = output.rotationDue?.(clock());
    if (!trigger) return;
    try {
      const result = await output.rotate(clock()); // (not inside `onRotated?.(…)`: that would skip it without a hook)
      hooks.onRotated?.(trigger, result);
    } catch (error) {
      rotationBlockedUntil = clock() + ROTATION_RETRY_MS;
      hooks.onRotated?.(trigger, undefined, error);
    }
  };

  const writeBatch = async (batch: Queued[]) => {
    let { seq, hash } = committed;
    let text = '';
    for (const item of batch) {
      seq += 1;
      const body = JSON.stringify({
        stream: AUDIT_STREAM,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        eventId: item.eventId,
        time: new Date(item.ms).toISOString(),
        ...item.body,
        seq,
        prevHash: hash,
      });
      const sealed = seal(body);
      hash = sealed.hash;
      text += `${sealed.line}\n`;
    }
    try {
      await output.append(text, sync, batch[0]!.ms);
    } catch (error) {
      setWritable(false, error);
      hooks.onFailure?.(error, batch.length);
      markerDue = false; // retried with the next event or after a successful probe
      for (const item of batch) item.done(error);
      return;
    }
    committed = { seq, hash };
    if (marker && batch[0] === marker) marker = undefined;
    setWritable(true);
    for (const item of batch) item.done();
  };

  const probeNow = async () => {
    const waiters = probeWaiters;
    probeWaiters = [];
    if (!health.writable && output.probe) {
      try {
        await output.probe();
        setWritable(true);
        if (marker) markerDue = true;
      } catch {
        // still not writable
      }
    }
    for (const wake of waiters) wake();
  };

  const work = async () => {
    for (;;) {
      if (probeWaiters.length > 0) await probeNow();
      await maybeRotate();
      if (queue.length === 0 && !markerDue) break;
      const batch = marker ? [marker, ...queue] : queue;
      queue = [];
      markerDue = false;
      await writeBatch(batch);
    }
    scheduleRotationCheck();
  };

  const kick = () => {
    working ??= work().finally(() => {
      working = undefined;
      if (queue.length > 0 || markerDue || probeWaiters.length > 0) kick();
    });
  };

  // Time rotation of an idle file: wake up when its period ends.
  // (Not while a recovery marker waits: its write schedules the check. A blocked rotation waits out its pause.)
  const scheduleRotationCheck = () => {
    if (closed || rotationTimer || marker || !output.periodEnd) return;
    const end = output.periodEnd();
    if (end === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.max(end, rotationBlockedUntil) - clock()) + 5);
    rotationTimer = setTimeout(() => {
      rotationTimer = undefined;
      if (!closed) kick();
    }, delay);
    rotationTimer.unref();
  };

  if (markerDue) kick();

  return {
    description,
    durability: options.durability,
    write(event) {
      if (closed) return Promise.reject(new Error('the audit sink is closed'));
      const written = new Promise<void>((resolve, reject) => {
        queue.push({ body: event, eventId: randomUUID(), ms: clock(), done: (error) => (error === undefined ? resolve() : reject(error)) });
      });
      kick();
      return written;
    },
    health: () => health,
    async probe() {
      if (health.writable || clock() - lastProbe < PROBE_INTERVAL_MS) return health;
      lastProbe = clock();
      await new Promise<void>((resolve) => {
        probeWaiters.push(resolve);
        kick();
      });
      return health;
    },
    async close() {
      closed = true;
      if (rotationTimer) clearTimeout(rotationTimer);
      while (working || queue.length > 0) {
        kick();
        await working;
      }
      await output.close();
    },
  };
}

export interface AuditSinkSettings {
  /** JSON-lines file; the stderr stream when undefined. */
  file?: string | undefined;
  durability: AuditDurability;
  /** Rotation of the file (none by default). */
  rotation?: RotationSettings | undefined;
  clock?: (() => number) | undefined;
}

export async function createAuditSink(settings: AuditSinkSettings, hooks?: AuditSinkHooks): Promise<AuditSink> {
  const options: SinkOptions = { durability: settings.durability, hooks, clock: settings.clock };
  if (settings.file) {
    const rotation = settings.rotation ?? NO_ROTATION;
    const { output, head, torn } = await AuditFile.open(settings.file, rotation);
    const rotates = rotation.maxBytes > 0 || rotation.intervalSeconds > 0;
    const described = `file ${settings.file} (${settings.durability}${rotates ? ', rotated' : ''})`;
    return createChainedSink(output, head, described, options, torn);
  }
  return createChainedSink(stderrOutput, GENESIS, 'stderr', options);
}
