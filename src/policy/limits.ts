// Operational limits: a token bucket per caller (calls per minute, in this replica) and a bulkhead
// per CES instance (concurrent CES requests, with a short queue), so one caller or one burst cannot
// starve the others or overload CES. A refusal carries how long to wait.
import { bulkhead, BulkheadRejectedError, type BulkheadPolicy } from 'cockatiel';

import type { CesTarget } from '../ces/api.js';

export class LimitError extends Error {
  override readonly name = 'LimitError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export interface RateLimiter {
  /** Takes one call from the caller's bucket; throws LimitError when it is empty. */
  take(caller: string): void;
}

/** `perMinute` 0 disables the limit. Buckets refill continuously and allow a burst of `perMinute`. */
export function createRateLimiter(perMinute: number, now: () => number = () => performance.now(), maxCallers = 10_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    take(caller) {
      if (perMinute <= 0) return;
      const t = now();
      let bucket = buckets.get(caller);
      if (bucket) {
        bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * ratePerMs);
        bucket.at = t;
        buckets.delete(caller); // re-insert: Map order is the LRU order
      } else {
        bucket = { tokens: perMinute, at: t };
        if (buckets.size >= maxCallers) buckets.delete(buckets.keys().next().value as string);
      }
      buckets.set(caller, bucket);
      if (bucket.tokens < 1) {
        const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
        throw new LimitError(`Rate limit reached: at most ${perMinute} calls per minute per caller. Retry after ${retryAfterSeconds} s.`, retryAfterSeconds);
      }
      bucket.tokens -= 1;
    },
  };
}

/** One bulkhead per CES instance; `limit` 0 disables. `onReject` is told of each refusal (metrics). */
export function createCesConcurrency(limit: number, queue = limit * 4, onReject?: (instance: string) => void) {
  const heads = new Map<string, BulkheadPolicy>();
  const headFor = (instance: string) => {
    let head = heads.get(instance);
    if (!head) heads.set(instance, (head = bulkhead(limit, queue)));
    return head;
  };
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
    const head = headFor(target.instance);
    return {
      instance: target.instance,
      srid: target.srid,
      runtimeConfig: target.runtimeConfig,
      call: async (operation, input, options) => {
        try {
          return await head.execute(() => target.call(operation, input, options), options?.signal);
        } catch (error) {
          if (error instanceof BulkheadRejectedError) {
            onReject?.(target.instance);
            throw new LimitError(`CES instance "${target.instance}" is at its limit of ${limit} concurrent requests. Retry after 2 s.`, 2);
          }
          throw error;
        }
      },
    };
  }
}
export type CesConcurrency = ReturnType<typeof createCesConcurrency>;
