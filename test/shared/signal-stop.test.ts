// The stop signals: the first stops what runs and exits 0; a stop that overruns its deadline (grace
// + margin) exits 1 at the deadline however stuck it is; a second signal exits 130 at once. Fake
// clock, real handler (src/shared/signal-stop.ts) with the process hooks recorded.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { handleStopSignals } from '../../src/shared/signal-stop.js';

function harness() {
  const handlers = new Map<string, (signal: NodeJS.Signals) => void>();
  const exits: number[] = [];
  const lines: string[] = [];
  const setStop = handleStopSignals({
    on: (signal, handler) => handlers.set(signal, handler),
    exit: (code) => exits.push(code),
    report: (line) => lines.push(line),
  });
  const send = (signal: NodeJS.Signals) => handlers.get(signal)!(signal);
  return { setStop, send, exits, lines, handlers };
}

describe('stop signals', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('listens for SIGINT and SIGTERM, and a clean stop exits 0 before its deadline', async () => {
    const h = harness();
    expect([...h.handlers.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    h.setStop(() => new Promise((resolve) => setTimeout(resolve, 2_000)), 7_000);
    h.send('SIGTERM');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.exits).toEqual([0]);
  });

  it('a stop that overruns grace + margin exits 1 at the deadline', async () => {
    const h = harness();
    h.setStop(() => new Promise(() => undefined), 7_000);
    h.send('SIGTERM');
    await vi.advanceTimersByTimeAsync(6_999);
    expect(h.exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.exits).toEqual([1]);
    expect(h.lines.join('\n')).toMatch(/SIGTERM took longer than 7000 ms \(grace \+ margin\)/);
  });

  it('a failing stop exits 1 and says why; a second signal exits 130 at once', async () => {
    const failing = harness();
    failing.setStop(() => Promise.reject(new Error('audit sink closed')), 7_000);
    failing.send('SIGINT');
    await vi.advanceTimersByTimeAsync(0);
    expect(failing.exits).toEqual([1]);
    expect(failing.lines.join('\n')).toContain('audit sink closed');

    const twice = harness();
    twice.setStop(() => new Promise(() => undefined), 7_000);
    twice.send('SIGTERM');
    twice.send('SIGTERM');
    expect(twice.exits).toEqual([130]);
  });

  it('a signal during start-up (nothing to stop yet) exits 0', async () => {
    const h = harness();
    h.send('SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.exits).toEqual([0]);
  });
});
