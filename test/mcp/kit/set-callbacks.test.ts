// CES callbacks (src/mcp/kit/set-callbacks.ts): what a wait asks CES for, and what a callback may do.
import { describe, expect, it } from 'vitest';

import { MAX_WAKES, SetCallbacks } from '../../../src/mcp/kit/set-callbacks.js';

const settings = { url: 'https://ispw-mcp-{hostname}.example.com/', events: ['completed', 'failed'], maxPollIntervalMs: 30_000 };
const idOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('SetCallbacks', () => {
  it('asks for each event at a URL of this replica with a random id per wait', () => {
    const callbacks = new SetCallbacks(settings, 'pod-7');
    const a = callbacks.register();
    const b = callbacks.register();
    expect(a.events.map((e) => e.name)).toEqual(['completed', 'failed']);
    expect(a.events[0]).toMatchObject({ method: 'POST', body: '$$setid$$' });
    expect(a.events[0]!.url).toMatch(/^https:\/\/ispw-mcp-pod-7\.example\.com\/ces-events\/[A-Za-z0-9_-]{22}$/);
    expect(idOf(a.events[0]!.url)).not.toBe(idOf(b.events[0]!.url));
    expect(a.maxPollIntervalMs).toBe(30_000);
    expect(callbacks.size).toBe(2);
  });

  it('wakes the registered wait, once per callback, and forgets it once closed', () => {
    const callbacks = new SetCallbacks(settings, 'h');
    const wait = callbacks.register();
    const id = idOf(wait.events[0]!.url);
    let heard = 0;
    const stop = wait.onWake(() => heard++);
    expect(wait.takeWake()).toBe(false);
    expect(callbacks.receive(id)).toBe('woken');
    expect(heard).toBe(1);
    expect(wait.takeWake()).toBe(true);
    expect(wait.takeWake()).toBe(false);
    stop();
    // A callback while nobody listens (the wait is reading) is kept for the next sleep.
    expect(callbacks.receive(id)).toBe('woken');
    expect(heard).toBe(1);
    expect(wait.takeWake()).toBe(true);
    wait.close();
    expect(callbacks.receive(id)).toBe('unknown');
    expect(callbacks.size).toBe(0);
  });

  it('lets one wait be woken at most MAX_WAKES times, and knows no malformed or foreign id', () => {
    const callbacks = new SetCallbacks(settings, 'h');
    const id = idOf(callbacks.register().events[0]!.url);
    for (let i = 0; i < MAX_WAKES; i++) expect(callbacks.receive(id)).toBe('woken');
    expect(callbacks.receive(id)).toBe('ignored');
    expect(callbacks.receive('../../etc/passwd')).toBe('unknown');
    expect(callbacks.receive('A'.repeat(22))).toBe('unknown');
    expect(callbacks.stats).toEqual({ woken: MAX_WAKES, ignored: 1, unknown: 2 });
  });
});
