// What a stop signal (SIGINT/SIGTERM) does to the process, apart from the process itself: main.ts
// hands in how to listen, report and exit. The first signal stops what is running and exits 0 (1 on
// an error); a second signal exits at once (130). Stopping has a deadline (grace + margin, from
// `serve`): past it the process exits 1 whatever is still running, so it never outlives the budget
// Kubernetes' terminationGracePeriodSeconds is derived from (docs/observability.md, "Shutdown").

export interface ProcessHooks {
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
  exit(code: number): void;
  report(line: string): void;
}

/** Installs the handlers; returns `setStop`, which hands over what to stop once it exists and how long it may take. */
export function handleStopSignals(hooks: ProcessHooks): (stop: () => Promise<void>, stopWithinMs?: number) => void {
  let stop: (() => Promise<void>) | undefined;
  let stopWithin: number | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return hooks.exit(130);
    stopping = true;
    if (stopWithin !== undefined) {
      const limit = stopWithin;
      // unref: the deadline alone never keeps the process alive.
      setTimeout(() => {
        hooks.report(`ispw-mcp: stopping after ${signal} took longer than ${limit} ms (grace + margin); exiting now`);
        hooks.exit(1);
      }, limit).unref();
    }
    (stop ?? (async () => undefined))().then(
      () => hooks.exit(0),
      (error: unknown) => {
        hooks.report(`ispw-mcp: error while stopping after ${signal}: ${(error as Error).message}`);
        hooks.exit(1);
      },
    );
  };
  hooks.on('SIGINT', onSignal);
  hooks.on('SIGTERM', onSignal);
  return (next, within) => {
    stop = next;
    stopWithin = within;
  };
}
