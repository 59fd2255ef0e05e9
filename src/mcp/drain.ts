// Graceful shutdown of tool calls: counts calls in flight, refuses new ones once draining starts,
// and lets shutdown wait (bounded by the grace period) until the accepted ones have finished.
export class Drain {
  private active = 0;
  private stopping = false;
  private waiters: (() => void)[] = [];

  get draining(): boolean {
    return this.stopping;
  }

  get inflight(): number {
    return this.active;
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

  /** Waits until no call is in flight or `graceMs` passed; returns how many are still running. */
  async settle(graceMs: number): Promise<number> {
    if (this.active === 0) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.active;
  }
}
