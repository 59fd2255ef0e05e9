// Rotation of the audit file: names, order and retention of the rotated files. A rotated file sits
// beside the active one and is named after the moment it was rotated, in UTC —
// `audit.jsonl.20261125T101530.123Z` — so the names sort in the order of the chain, a shell glob
// (`audit.jsonl.*`) lists them oldest first, and one rename is the whole rotation (no renumbering
// cascade that a crash could leave half done). The chain itself runs on across the files.
import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface RotationSettings {
  /** Rotate before a write once the file has reached this size; 0: never by size. */
  maxBytes: number;
  /** Rotate when a period of this length (aligned to 00:00 UTC) has ended since the file's first event; 0: never by time. */
  intervalSeconds: number;
  /** Rotated files kept (the oldest are deleted beyond it); 0: keep all. */
  retainFiles: number;
}

export const NO_ROTATION: RotationSettings = { maxBytes: 0, intervalSeconds: 0, retainFiles: 0 };

const SUFFIX = /^(\d{8}T\d{6}\.\d{3}Z)(?:-(\d+))?$/;

/** `20261125T101530.123Z` */
export function rotationStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

/** The name for a file rotated at `ms`; `taken` says whether a name already exists (two rotations in one millisecond). */
export function rotatedName(active: string, ms: number, taken: (name: string) => boolean): string {
  const base = `${active}.${rotationStamp(ms)}`;
  if (!taken(base)) return base;
  for (let n = 1; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}

const stampMs = (path: string): number => {
  const match = /\.(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z(?:-\d+)?$/.exec(path);
  return match ? Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!, +match[7]!) : -Infinity;
};

/**
 * The name for the next rotation: at `nowMs`, or just after the newest rotated file if the clock
 * is behind it (stepped back), so names always sort in chain order.
 */
export async function nextRotatedName(active: string, nowMs: number, taken: (name: string) => boolean): Promise<string> {
  const newest = (await listRotated(active)).at(-1);
  const ms = newest === undefined ? nowMs : Math.max(nowMs, stampMs(newest) + 1);
  return rotatedName(active, ms, taken);
}

interface Rotated {
  path: string;
  stamp: string;
  n: number;
}

/** The rotated files of `active`, oldest first (the order of the chain). */
export async function listRotated(active: string): Promise<string[]> {
  const dir = dirname(active);
  const prefix = `${basename(active)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const rotated: Rotated[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = SUFFIX.exec(name.slice(prefix.length));
    if (match) rotated.push({ path: join(dir, name), stamp: match[1]!, n: Number(match[2] ?? 0) });
  }
  rotated.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.n - b.n));
  return rotated.map((r) => r.path);
}

/** Deletes the oldest rotated files beyond `retain`; returns the deleted paths. */
export async function applyRetention(active: string, retain: number): Promise<string[]> {
  if (retain <= 0) return [];
  const rotated = await listRotated(active);
  const doomed = rotated.slice(0, Math.max(0, rotated.length - retain));
  for (const path of doomed) await unlink(path);
  return doomed;
}

/** Which rotation is due for a file of `size` bytes whose first event was at `firstEventMs`. */
export function rotationDue(settings: RotationSettings, size: number, firstEventMs: number | undefined, nowMs: number): 'size' | 'time' | undefined {
  if (size === 0) return undefined;
  if (settings.maxBytes > 0 && size >= settings.maxBytes) return 'size';
  if (settings.intervalSeconds > 0 && firstEventMs !== undefined) {
    const period = settings.intervalSeconds * 1000;
    if (Math.floor(nowMs / period) > Math.floor(firstEventMs / period)) return 'time';
  }
  return undefined;
}

/** When the period of the file's first event ends (for the idle timer); undefined without time rotation. */
export function periodEnd(settings: RotationSettings, firstEventMs: number | undefined): number | undefined {
  if (settings.intervalSeconds <= 0 || firstEventMs === undefined) return undefined;
  const period = settings.intervalSeconds * 1000;
  return (Math.floor(firstEventMs / period) + 1) * period;
}
