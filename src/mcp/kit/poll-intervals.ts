// The intervals between the polls of one set wait (issue 19). The first is exactly pollIntervalMs:
// a poll must not come sooner, or it may read the state from before the action (docs/ces-fidelity.md
// item 1). Each later one is the previous × pollBackoff, capped at maxPollIntervalMs, varied by
// ± pollJitter so that waits started together spread out. For blind polling of a set that ends at a
// random moment, the detection delay is about half the interval at the end and the number of polls
// about the duration ÷ the interval: the cap is the trade-off between the two (docs/performance.md).
import type { WaitSettings } from './context.js';

/** The longest interval the back-off reaches. */
export const pollCapMs = (settings: Pick<WaitSettings, 'pollIntervalMs' | 'maxPollIntervalMs'>): number =>
  Math.max(settings.pollIntervalMs, settings.maxPollIntervalMs ?? settings.pollIntervalMs);

export function* pollIntervals(settings: WaitSettings, random: () => number): Generator<number, never> {
  const first = settings.pollIntervalMs;
  const cap = pollCapMs(settings);
  const backoff = Math.max(1, settings.pollBackoff ?? 1);
  const jitter = Math.min(0.5, Math.max(0, settings.pollJitter ?? 0));
  yield first;
  let interval = first;
  for (;;) {
    interval = Math.min(cap, interval * backoff);
    yield Math.max(1, Math.round(interval * (1 + jitter * (2 * random() - 1))));
  }
}
