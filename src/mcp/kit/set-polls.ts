// What the set waits of one replica share (issue 19): one read of a set serves every caller waiting
// on it, and a per-CES-instance poll budget spreads polls evenly instead of letting thousands of
// waits burst. Each wait keeps its own schedule, purpose, pre-action guard, budget, cancellation
// and progress (wait-for-set.ts); only the GET /sets/{setId} and the pacing are shared.
//
// Sharing is single-flight plus a short freshness window: a wait that polls while a read of the
// same (instance, srid, set) is in flight joins it, and one that polls within `freshMs` of the last
// answer takes that answer. So k callers on one set cost about one request per freshness window,
// not k per interval, and no caller sees a state older than `freshMs` plus one request.

import { CesError } from '../../ces/errors.js';

/** One observation of a set: the reply, or the error the read ended with. */
export type SetRead<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Entry<T> {
  inflight?: Promise<SetRead<T>> | undefined;
  /** When the read in flight was sent. */
  inflightAt?: number;
  at?: number;
  last?: SetRead<T>;
  /** Waits currently using this entry: it is dropped when the last one leaves. */
  users: number;
}

export interface SetPollsOptions {
  /** A successful answer younger than this is reused (ms, default 1000). */
  freshMs?: number;
  /** Random source for interval jitter (default Math.random). */
  random?: () => number;
}

export interface SetPollsStats {
  /** Reads sent to CES. */
  reads: number;
  /** Polls answered by a read in flight or by a fresh answer. */
  shared: number;
}

export class SetPolls {
  readonly random: () => number;
  private readonly freshMs: number;
  private readonly entries = new Map<string, Entry<unknown>>();
  /** Per CES instance: the next free slot of its poll budget (monotonic ms). */
  private readonly nextSlot = new Map<string, number>();
  readonly stats: SetPollsStats = { reads: 0, shared: 0 };

  constructor(options: SetPollsOptions = {}) {
    this.freshMs = options.freshMs ?? 1000;
    this.random = options.random ?? Math.random;
  }

  /** Registers a wait on a set; call the returned function when the wait ends. */
  enter(key: string): () => void {
    const entry = this.entries.get(key) ?? { users: 0 };
    entry.users++;
    this.entries.set(key, entry);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--entry.users === 0 && this.entries.get(key) === entry) this.entries.delete(key);
    };
  }

  /**
   * The set's state for one poll: joins a read in flight, reuses an answer younger than `freshMs`,
   * or sends `read`. Errors are shared like answers; a read that failed because the wait that sent
   * it was cancelled is not another wait's failure, so `read` is retried once for the joiner.
   * `sentAfter` (a wait woken by a CES callback): only a read sent at or after that time will do.
   */
  async read<T>(key: string, now: number, read: () => Promise<T>, ownSignal: AbortSignal, sentAfter = -Infinity): Promise<SetRead<T>> {
    // A wait that did not `enter` gets a throw-away entry: nothing is kept for it.
    const entry = (this.entries.get(key) ?? { users: 0 }) as Entry<T>;
    if (entry.inflight && (entry.inflightAt ?? -Infinity) >= sentAfter) {
      this.stats.shared++;
      const joined = await entry.inflight;
      if (joined.ok || !isCancellationOfAnother(joined.error, ownSignal)) return joined;
      return this.send(entry, now, read);
    }
    if (entry.last?.ok && entry.at !== undefined && entry.at >= sentAfter && now - entry.at <= this.freshMs) {
      this.stats.shared++;
      return entry.last;
    }
    return this.send(entry, now, read);
  }

  private async send<T>(entry: Entry<T>, now: number, read: () => Promise<T>): Promise<SetRead<T>> {
    this.stats.reads++;
    const inflight = read().then(
      (value): SetRead<T> => ({ ok: true, value }),
      (error: unknown): SetRead<T> => ({ ok: false, error }),
    );
    entry.inflight = inflight;
    entry.inflightAt = now;
    const result = await inflight;
    if (entry.inflight === inflight) entry.inflight = undefined;
    // Two reads can be in flight after a callback (sentAfter): the later-sent answer is the one kept.
    if (entry.at === undefined || now >= entry.at) {
      entry.last = result;
      entry.at = now;
    }
    return result;
  }

  /**
   * How long a poll of this CES instance must wait for its slot of the budget (ms; 0: now). Slots
   * are `1000 / perSecond` apart, so polls leave evenly however many waits are due at once.
   */
  reserve(instance: string, now: number, perSecond: number): number {
    if (!(perSecond > 0)) return 0;
    const gap = 1000 / perSecond;
    const slot = Math.max(now, this.nextSlot.get(instance) ?? 0);
    this.nextSlot.set(instance, slot + gap);
    return slot - now;
  }

  /** Sets being read or remembered now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }
}

/** A failure that is not a CES answer (an abort reason) while this wait is still running. */
const isCancellationOfAnother = (error: unknown, ownSignal: AbortSignal): boolean => !ownSignal.aborted && !(error instanceof CesError);

/**
 * The key of one set on one CES instance and SRID, as seen by one CES identity: in per-user mode a
 * read made with one user's token is never handed to another user's wait (CES decides per user
 * what each may see), so waits share reads only within an identity.
 */
export const setKey = (instance: string, srid: string, setId: string, identity = ''): string => `${instance}\u0000${srid}\u0000${setId}\u0000${identity}`;
