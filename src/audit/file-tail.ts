// Reads the end of an audit file at start-up: the last complete, self-consistent event (where the
// chain continues) and whatever follows it. Anything after that event is a torn tail — a record cut
// short by a crash or a full disk — which the sink does not hide: it leaves the bytes in place and
// writes an `audit.recovered` event that names them (file-output.ts, sink.ts). Also reads the time
// of the file's first event, which time-based rotation needs after a restart.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

import { check } from './chain.js';
import { AUDIT_STREAM, GENESIS_HASH } from './schema.js';

/** How far back the last valid event is looked for; an event is far smaller than this. */
export const TAIL_WINDOW = 1 << 20;
const NEWLINE = 0x0a;
/** How a torn first record of a file begins (every event starts with the stream marker). */
const RECORD_START = Buffer.from(`{"stream":"${AUDIT_STREAM}",`);

export interface ChainHead {
  seq: number;
  hash: string;
}

export const GENESIS: ChainHead = { seq: 0, hash: GENESIS_HASH };

export interface TornTail {
  /** Byte offset of the torn bytes. */
  offset: number;
  /** Their length, without one final newline. */
  bytes: number;
  sha256: string;
}

export interface FileTail {
  size: number;
  /** The last valid event; undefined when the file has none. */
  head: ChainHead | undefined;
  /** Bytes after the last valid event, when there are any. */
  torn: TornTail | undefined;
  /** The file is empty or its last byte is a newline (the next record can be appended as it is). */
  endsWithNewline: boolean;
}

/** Thrown when the file's end cannot be explained as events plus one torn tail. */
export class AuditTailError extends Error {
  override readonly name = 'AuditTailError';
}

/** The `seq` and hash of a line that is a complete, self-consistent audit event; undefined otherwise. */
export function eventHead(line: string): ChainHead | undefined {
  const sealed = check(line);
  if (!sealed || sealed.claimed !== sealed.actual) return undefined;
  try {
    const { seq, stream } = JSON.parse(line) as { seq?: unknown; stream?: unknown };
    return typeof seq === 'number' && stream === AUDIT_STREAM ? { seq, hash: sealed.claimed } : undefined;
  } catch {
    return undefined;
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function tornAfter(window: Buffer, windowStart: number, from: number): TornTail | undefined {
  let rest = window.subarray(from);
  if (rest.at(-1) === NEWLINE) rest = rest.subarray(0, -1);
  if (rest.length === 0) return undefined; // at most an empty line: nothing is torn
  return { offset: windowStart + from, bytes: rest.length, sha256: sha256(rest) };
}

/** Reads the tail of an open audit file. `name` is only used in error messages. */
export async function readTail(handle: FileHandle, name: string): Promise<FileTail> {
  const { size } = await handle.stat();
  if (size === 0) return { size, head: undefined, torn: undefined, endsWithNewline: true };
  const length = Math.min(size, TAIL_WINDOW);
  const windowStart = size - length;
  const window = Buffer.alloc(length);
  await handle.read(window, 0, length, windowStart);
  const endsWithNewline = window.at(-1) === NEWLINE;

  // Walk the lines from the end. The first line of a window that starts mid-file may be cut: skip it.
  let end = endsWithNewline ? length - 1 : length;
  while (end >= 0) {
    // (lastIndexOf with a negative offset would count from the end: guard the first byte.)
    const start = end === 0 ? 0 : window.lastIndexOf(NEWLINE, end - 1) + 1;
    if (start === 0 && windowStart > 0) break;
    const line = window.subarray(start, end).toString('utf8').trimEnd();
    const head = line === '' ? undefined : eventHead(line);
    if (head) {
      // Everything after this line's newline (if it has one) is torn.
      const after = end < length ? end + 1 : end;
      return { size, head, torn: tornAfter(window, windowStart, after), endsWithNewline };
    }
    if (start === 0) break;
    end = start - 1;
  }
  // No valid event. A small file holding only the start of one record is the torn first write of a
  // new file; anything else is not an audit file this server wrote, or is damaged beyond its tail.
  if (windowStart === 0 && window.subarray(0, RECORD_START.length).equals(RECORD_START) && !window.subarray(0, -1).includes(NEWLINE)) {
    return { size, head: undefined, torn: tornAfter(window, 0, 0), endsWithNewline };
  }
  throw new AuditTailError(
    windowStart === 0
      ? `the audit file ${name} holds no valid audit event: is it the right file? Run \`ispw-mcp audit verify ${name}\`, then move the file aside`
      : `no valid audit event in the last ${TAIL_WINDOW} bytes of ${name}; run \`ispw-mcp audit verify ${name}\`, then move the file aside`,
  );
}

/** The time (ms since the epoch) of the first event of a file, for time-based rotation; undefined when unknown. */
export async function firstEventTime(handle: FileHandle): Promise<number | undefined> {
  const buffer = Buffer.alloc(64 * 1024);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
  const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
  if (newline < 0) return undefined;
  try {
    const { time } = JSON.parse(buffer.subarray(0, newline).toString('utf8')) as { time?: unknown };
    const ms = typeof time === 'string' ? Date.parse(time) : NaN;
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}
