// A token bucket per caller: at most `perMinute` takes per minute, refilled continuously, with a
// burst of `perMinute`. Shared by the per-caller call limit (src/policy/limits.ts) and the per-caller
// `initialize` limit of 2025-era sessions (src/transports/legacy-sessions.ts). The least recently
// seen callers are forgotten beyond `maxCallers`, so a flood of callers cannot grow memory.
export interface TokenBuckets {
  /** Takes one token from the caller's bucket: undefined when taken, else the seconds until one is free. */
  take(caller: string): number | undefined;
}

/** `perMinute` 0 disables the limit (every take succeeds). */
export function createTokenBuckets(perMinute: number, now: () => number = () => performance.now(), maxCallers = 10_000): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const ratePerMs = perMinute / 60_000;
  return {
    take(caller) {
      if (perMinute <= 0) return undefined;
      const at = now();
      let bucket = buckets.get(caller);
      if (bucket) {
        bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.at) * ratePerMs);
        bucket.at = at;
        buckets.delete(caller); // re-insert: Map order is the LRU order
      } else {
        bucket = { tokens: perMinute, at };
        if (buckets.size >= maxCallers) buckets.delete(buckets.keys().next().value as string);
      }
      buckets.set(caller, bucket);
      if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
      bucket.tokens -= 1;
      return undefined;
    },
  };
}
