// Graceful shutdown of tool calls: counts calls in flight, refuses new ones once draining starts,
// lets shutdown wait (bounded by the grace period) until the accepted ones have finished, and then
// cancels the rest so that each is *answered* at once: the call wrapper (call.ts) races a call's work
// against the cancellation (`untilCancelled`), writes the call's audit outcome and returns a tool
// error that says what may still be happening in CES (`shutdownAnswer`). A call never waits for a
// tool that ignores its signal, so every caller gets an answer before the listener closes.

/**
 * The fixed time shutdown may take after the grace period ends: cancelled calls answered and
 * audited (`CANCEL_WINDOW_MS`), responses written (`RESPONSE_FLUSH_MS`), listeners closed
 * (`LISTENER_CLOSE_MS`), traces flushed (`TRACE_FLUSH_MS`), audit closed. The process exits within
 * grace + this margin (main.ts enforces it), so Kubernetes' `terminationGracePeriodSeconds` must be
 * at least preStop sleep + grace + margin (docs/observability.md, "Shutdown").
 */
export const SHUTDOWN_MARGIN_SECONDS = 5;
/** How long cancelled calls get to write their audit outcome and return their answer. */
export const CANCEL_WINDOW_MS = 2_000;
/** How long answers already produced get to reach the client before connections are closed. */
export const RESPONSE_FLUSH_MS = 1_000;
/** How long open connections get to close on their own before they are cut. */
export const LISTENER_CLOSE_MS = 1_000;
/** How long queued spans get to be exported (traces are best effort; the audit trail is not). */
export const TRACE_FLUSH_MS = 1_000;

/** The reason a call's signal carries when the grace period ended while it was running. */
export class ShutdownCancellation extends Error {
  constructor() {
    super('the server is shutting down: the grace period ended before the call finished');
    this.name = 'ShutdownCancellation';
  }
}

export class Drain {
  private active = 0;
  private stopping = false;
  private waiters: (() => void)[] = [];
  private readonly cancellation = new AbortController();

  get draining(): boolean {
    return this.stopping;
  }

  get inflight(): number {
    return this.active;
  }

  /** Aborted (with a ShutdownCancellation) when the grace period ends; every call's signal follows it. */
  get signal(): AbortSignal {
    return this.cancellation.signal;
  }

  /** Admits a call: returns its `leave` function, or undefined when the server is draining. */
  enter(): (() => void) | undefined {
    if (this.stopping) return undefined;
    this.active += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.active -= 1;
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Stops admitting calls (readiness flips at once). */
  start(): void {
    this.stopping = true;
  }

  /** Cancels every call still running: each answers at once (call.ts) and leaves. */
  cancel(): void {
    this.stopping = true;
    this.cancellation.abort(new ShutdownCancellation());
  }

  /** Waits until no call is in flight or `waitMs` passed; returns how many are still running. */
  async settle(waitMs: number): Promise<number> {
    if (this.active === 0) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.active;
  }
}

/**
 * Settles with `work`, unless `signal` is aborted by the shutdown first: then it rejects at once with
 * the ShutdownCancellation, whatever the work is still doing (its later outcome is ignored). A
 * cancellation by the client (another abort reason) does not cut the work short: the call ends as
 * the tool ends it. `signal` is the call's own signal, so the listener dies with the call.
 */
export function untilCancelled<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.reason instanceof ShutdownCancellation) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  if (signal.aborted) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (!(signal.reason instanceof ShutdownCancellation)) return;
      work.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** What a cancelled call was doing when the shutdown stopped it. */
export interface CancelledCall {
  tool: string;
  /** Whether the tool can change the mainframe (write or destructive). */
  writes: boolean;
  /** The set the call created or acted on, when one is known. */
  setId: string | undefined;
  /** Whether a change request (POST) was sent to CES before the cancellation. */
  cesPosted: boolean;
}

/**
 * The tool error a call cancelled by the shutdown returns. It says the server is shutting down,
 * names the set when one exists and that CES may carry on with the work, and points to the tool that
 * shows where it stands. It never tells the caller to send the change again: the work may be running.
 */
export function shutdownAnswer(call: CancelledCall): string {
  const head = `${call.tool}: the server is shutting down and stopped this call before it finished.`;
  if (!call.writes) return `${head} Nothing was changed in CES by this call.`;
  if (call.setId) {
    return `${head} Set ${call.setId} exists in CES and its work may continue there: follow it with ispw_get_set (set ${call.setId}) rather than submitting the change again.`;
  }
  if (call.cesPosted) {
    return `${head} The request reached CES, which may still carry out the work: check with ispw_list_sets or the list tools before doing anything again.`;
  }
  return `${head} Nothing was sent to CES for it, so nothing was changed.`;
}
