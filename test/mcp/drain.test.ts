// The shutdown's building blocks (src/mcp/drain.ts): calls are admitted until draining starts;
// `cancel` aborts every call's signal with a ShutdownCancellation; `untilCancelled` answers a call at
// once on that, and only on that (a client's cancellation lets the tool end the call); the answer
// names the set and never asks for the change to be sent again.
import { getEventListeners } from 'node:events';

import { describe, expect, it } from 'vitest';

import { Drain, shutdownAnswer, ShutdownCancellation, untilCancelled } from '../../src/mcp/drain.js';

const never = () => new Promise<string>(() => undefined);

describe('Drain', () => {
  it('admits until draining, and settles when the last call leaves', async () => {
    const drain = new Drain();
    const leave = drain.enter()!;
    drain.start();
    expect(drain.enter()).toBeUndefined();
    const settled = drain.settle(60_000);
    leave();
    expect(await settled).toBe(0);
  });

  it('cancel aborts its signal with a ShutdownCancellation', () => {
    const drain = new Drain();
    drain.cancel();
    expect(drain.signal.reason).toBeInstanceOf(ShutdownCancellation);
    expect(drain.draining).toBe(true);
  });
});

describe('untilCancelled', () => {
  it('rejects at once when the shutdown cancels, however long the work would take', async () => {
    const call = new AbortController();
    const pending = untilCancelled(never(), call.signal);
    call.abort(new ShutdownCancellation());
    await expect(pending).rejects.toBeInstanceOf(ShutdownCancellation);
  });

  it("lets the work end the call on a client's cancellation", async () => {
    const call = new AbortController();
    let finish!: (value: string) => void;
    const pending = untilCancelled(new Promise<string>((resolve) => (finish = resolve)), call.signal);
    call.abort(new Error('client cancelled'));
    finish('ended by the tool');
    await expect(pending).resolves.toBe('ended by the tool');
  });

  it('leaves no listener on the call signal once the work ends', async () => {
    const call = new AbortController();
    await untilCancelled(Promise.resolve('done'), call.signal);
    await expect(untilCancelled(Promise.reject(new Error('failed')), call.signal)).rejects.toThrow('failed');
    expect(getEventListeners(call.signal, 'abort')).toHaveLength(0);
  });
});

describe('shutdownAnswer', () => {
  const forbidden = /\bretry\b|repeat|call (it )?again|try again/i;

  it('names the set and says the work may continue in CES', () => {
    const text = shutdownAnswer({ tool: 'ispw_promote', writes: true, setId: 'S000241001', cesPosted: true });
    expect(text).toBe(
      'ispw_promote: the server is shutting down and stopped this call before it finished. Set S000241001 exists in CES and its work may continue there: follow it with ispw_get_set (set S000241001) rather than submitting the change again.',
    );
    expect(text).not.toMatch(forbidden);
  });

  it('says what is known when there is no set, and that nothing changed when nothing was sent', () => {
    expect(shutdownAnswer({ tool: 'ispw_promote', writes: true, setId: undefined, cesPosted: true })).toMatch(
      /The request reached CES, which may still carry out the work/,
    );
    expect(shutdownAnswer({ tool: 'ispw_promote', writes: true, setId: undefined, cesPosted: false })).toMatch(
      /Nothing was sent to CES for it, so nothing was changed\.$/,
    );
    expect(shutdownAnswer({ tool: 'ispw_get_set', writes: false, setId: undefined, cesPosted: false })).toMatch(/Nothing was changed in CES by this call\.$/);
    for (const cesPosted of [true, false]) expect(shutdownAnswer({ tool: 't', writes: true, setId: undefined, cesPosted })).not.toMatch(forbidden);
  });
});
