// Cheap replacements for `AbortSignal.any` and `AbortSignal.timeout` on the per-call path. Node's
// composite signals track their sources through weak references and a finalisation registry, which
// was ~4 % of a stdio server's CPU per tool call (docs/performance.md, "abort signals"); a plain
// controller with listeners that are removed when the work ends does the same job for a signal
// whose lifetime is one call or one CES request.

/** A signal aborted when any source aborts, with that source's reason, like `AbortSignal.any`. */
export interface LinkedSignal {
  readonly signal: AbortSignal;
  /** True when the signal was aborted by its own timeout (not by a source). */
  timedOut(): boolean;
  /** Removes the listeners and the timer; call when the work the signal guards has ended. */
  dispose(): void;
}

/**
 * Links the sources (undefined ones are skipped) and, with `timeoutMs`, aborts after that time with
 * the same `TimeoutError` DOMException `AbortSignal.timeout` uses.
 */
export function linkSignals(sources: readonly (AbortSignal | undefined)[], timeoutMs?: number): LinkedSignal {
  const controller = new AbortController();
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const listening: AbortSignal[] = [];
  const onAbort = function (this: AbortSignal): void {
    dispose();
    controller.abort(this.reason);
  };
  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const source of listening) source.removeEventListener('abort', onAbort);
    listening.length = 0;
  };
  for (const source of sources) {
    if (source === undefined) continue;
    if (source.aborted) {
      dispose();
      controller.abort(source.reason);
      break;
    }
    source.addEventListener('abort', onAbort, { once: true });
    listening.push(source);
  }
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(() => {
      expired = true;
      dispose();
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, timeoutMs);
    // Like AbortSignal.timeout: the timer alone does not keep the process alive.
    timer.unref();
  }
  return { signal: controller.signal, timedOut: () => expired, dispose };
}
