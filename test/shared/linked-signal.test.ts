// linkSignals: the per-call replacement for AbortSignal.any/timeout must abort with the same reasons
// and must stop following its sources once disposed.
import { describe, expect, it } from 'vitest';

import { linkSignals } from '../../src/shared/linked-signal.js';

describe('linkSignals', () => {
  it('aborts with the reason of the first source that aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals([a.signal, undefined, b.signal]);
    expect(linked.signal.aborted).toBe(false);
    b.abort(new Error('second'));
    a.abort(new Error('first'));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe('second');
    expect(linked.timedOut()).toBe(false);
  });

  it('is aborted at once when a source already is', () => {
    const a = new AbortController();
    a.abort('gone');
    expect(linkSignals([a.signal], 10_000).signal.reason).toBe('gone');
  });

  it('times out with the TimeoutError AbortSignal.timeout uses', async () => {
    const linked = linkSignals([new AbortController().signal], 5);
    await new Promise((resolve) => linked.signal.addEventListener('abort', resolve));
    expect(linked.timedOut()).toBe(true);
    const reason = linked.signal.reason as DOMException;
    expect(reason.name).toBe(AbortSignal.timeout(0).reason?.name ?? 'TimeoutError');
    expect(reason.name).toBe('TimeoutError');
  });

  it('follows nothing after dispose: no abort, no timer', async () => {
    const a = new AbortController();
    const linked = linkSignals([a.signal], 5);
    linked.dispose();
    a.abort('late');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(linked.signal.aborted).toBe(false);
    expect(linked.timedOut()).toBe(false);
  });
});
