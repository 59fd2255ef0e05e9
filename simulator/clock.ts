// Time for the simulator: an injectable clock and the date/time text formats CES uses.
// All set and deployment progress is computed from `now()` when read (never from timers),
// so tests can drive time by hand and idle sets cost nothing.

/** Milliseconds since the epoch, like `Date.now`. */
export type Clock = () => number;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` in UTC (docs/ces-api.md §3.6 `startDate`). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `HH:MM:SS` in UTC (docs/ces-api.md §3.6 `startTime`). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `YYYY-MM-DD HH:MM:SS` (docs/ces-api.md §3.7 `createDateTime`). */
export function formatDateTime(ms: number): string {
  return `${formatDate(ms)} ${formatTime(ms)}`;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
