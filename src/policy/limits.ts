// Operational limits: a token bucket per caller (calls per minute, in this replica) and a bulkhead
// per CES instance (concurrent CES requests, with a short queue), so one caller or one burst cannot
// starve the others or overload CES. Time queued for the bulkhead counts against the request's CES
// timeout. A refusal carries how long to wait.
import { bulkhead, BulkheadRejectedError, type BulkheadPolicy } from 'cockatiel';

import { interceptTarget, isAwaited, type CesTarget } from '../ces/api.js';
import { RetryLaterError } from '../mcp/kit/errors.js';
import { linkSignals } from '../shared/linked-signal.js';
import { createTokenBuckets } from '../shared/token-buckets.js';

export class LimitError extends RetryLaterError {
  override readonly name = 'LimitError';
}

export interface RateLimiter {
  /** Takes one call from the caller's bucket; throws LimitError when it is empty. */
  take(caller: string): void;
}

/** `perMinute` 0 disables the limit. Buckets refill continuously and allow a burst of `perMinute`. */
export function createRateLimiter(perMinute: number, now?: () => number, maxCallers?: number): RateLimiter {
  const buckets = createTokenBuckets(perMinute, now, maxCallers);
  return {
    take(caller) {
      const retryAfterSeconds = buckets.take(caller);
      if (retryAfterSeconds === undefined) return;
      throw new LimitError(`Rate limit reached: at most ${perMinute} calls per minute per caller. Retry after ${retryAfterSeconds} s.`, retryAfterSeconds);
    },
  };
}

/** Used when a target does not say its CES timeout (the option's default). */
const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Share of a request's CES timeout it may spend queued for a slot. Queue time counts against the
 * request's own deadline (its first attempt gets what is left), so a request that has not started
 * by then is not sent at all: it would have too little time left to be worth sending — for a write,
 * a timeout would leave its outcome unknown.
 */
export const QUEUE_SHARE = 0.5;

/**
 * One bulkhead per CES instance; `limit` 0 disables. `onReject` is told of each refusal (metrics):
 * a full queue, or a request that could not start within its share of the CES timeout.
 */
export function createCesConcurrency(limit: number, queue = limit * 4, onReject?: (instance: string) => void, awaitLimit = 0) {
  // One bulkhead per instance, made on first use.
  const perInstance = (slots: number, queued: number) => {
    const heads = new Map<string, BulkheadPolicy>();
    return (instance: string) => {
      let head = heads.get(instance);
      if (!head) heads.set(instance, (head = bulkhead(slots, queued)));
      return head;
    };
  };
  const headFor = perInstance(limit, queue);
  // Awaited operations (they bring their own timeout: CES holds the reply for minutes) get their own
  // bulkhead per instance, so hundreds of held replies cannot take the slots reads need (issue 19).
  const awaitHeadFor = perInstance(awaitLimit, awaitLimit * 4);
  // The directory's targets are frozen and live as long as the server: their limited twin is built
  // once. Targets made per call (a per-user credential, auth/identity.ts) are wrapped per call.
  const shared = new WeakMap<CesTarget, CesTarget>();
  return {
    /** The target with every CES request passing through its instance's bulkhead. */
    limit(target: CesTarget): CesTarget {
      if (limit <= 0) return target;
      if (!Object.isFrozen(target)) return limited(target);
      let twin = shared.get(target);
      if (twin === undefined) shared.set(target, (twin = limited(target)));
      return twin;
    },
  };

  function limited(target: CesTarget): CesTarget {
    const sharedHead = headFor(target.instance);
    const budgetMs = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxWaitMs = Math.round(budgetMs * QUEUE_SHARE);
    // Queue full: try again shortly. Waited its share of the timeout: back off as long as it waited.
    const full = () => {
      onReject?.(target.instance);
      return new LimitError(`CES instance "${target.instance}" is at its limit of ${limit} concurrent requests. Retry after 2 s.`, 2);
    };
    const busy = (waitedMs: number) => {
      onReject?.(target.instance);
      const retryAfterSeconds = Math.min(30, Math.max(1, Math.ceil(waitedMs / 1000)));
      return new LimitError(
        `CES instance "${target.instance}" is busy: no slot of its ${limit} concurrent requests freed up within ${retryAfterSeconds} s, so this request was not sent. Retry after ${retryAfterSeconds} s.`,
        retryAfterSeconds,
      );
    };
    const awaitHead = awaitLimit > 0 ? awaitHeadFor(target.instance) : undefined;
    return interceptTarget(target, async (_operation, _input, options, next) => {
      const head = isAwaited(options) && awaitHead ? awaitHead : sharedHead;
      // A free slot: the request starts now (the usual case; no timer, no race).
      if (head.executionSlots > 0) return head.execute(() => next(), options?.signal);
      const queuedAt = performance.now();
      // Aborted by the caller, or when the request has waited its share of the timeout (an awaited
      // call's own, longer timeout when it queues for the awaits' slots).
      const shareMs = head === sharedHead ? maxWaitMs : Math.round(options!.timeoutMs! * QUEUE_SHARE);
      const waiting = linkSignals([options?.signal], shareMs);
      let started = false;
      const run = head.execute(() => {
        started = true;
        waiting.dispose();
        const queuedMs = Math.round(performance.now() - queuedAt);
        return next(queuedMs > 0 ? { ...options, queuedMs } : options);
      }, waiting.signal);
      try {
        // cockatiel drops an aborted request from its queue only when a slot frees: do not wait for that.
        return await untilStartedOrAborted(run, waiting.signal, () => started);
      } catch (error) {
        if (error instanceof BulkheadRejectedError) throw full();
        if (!started && waiting.timedOut()) throw busy(shareMs);
        throw error;
      } finally {
        waiting.dispose();
      }
    });
  }
}
export type CesConcurrency = ReturnType<typeof createCesConcurrency>;

/** `run`'s result, or the signal's reason if it aborts before `started()` turns true. */
function untilStartedOrAborted<T>(run: Promise<T>, signal: AbortSignal, started: () => boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (!started()) reject(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    run.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
