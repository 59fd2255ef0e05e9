// The audit sink's stderr output: whole lines, written synchronously so they never interleave with
// log lines. stderr is a pipe in a container (the runtime's log collector reads it) and Node makes
// it non-blocking, so a reader that falls behind fills the pipe and a plain write fails with EAGAIN.
// That is back-pressure, not a broken trail: the write waits for the reader — asynchronously at a
// line boundary, synchronously (a few ms at a time) once part of a line is out, so no other line
// can slip into it — and fails only when the reader has not moved for `stallMs`.
import { writeSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

import type { Output } from './file-output.js';

const PAUSE_MS = 5;
const NEWLINE = 0x0a;
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

const wouldBlock = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'EAGAIN';

/** Writes `text` to file descriptor `fd` in whole, waiting out a full pipe for up to `stallMs`. */
export async function appendWhole(fd: number, text: string, stallMs: number): Promise<void> {
  const data = Buffer.from(text, 'utf8');
  let written = 0;
  let stalledMs = 0;
  while (written < data.length) {
    let n = 0;
    try {
      n = writeSync(fd, data, written, data.length - written);
    } catch (error) {
      if (!wouldBlock(error) || stalledMs >= stallMs) throw error;
    }
    if (n > 0) {
      written += n;
      stalledMs = 0;
      continue;
    }
    if (written === 0 || data[written - 1] === NEWLINE) await delay(PAUSE_MS);
    else Atomics.wait(pauseCell, 0, 0, PAUSE_MS);
    stalledMs += PAUSE_MS;
  }
}

/** stderr as the audit output (no ISPW_MCP_AUDIT_FILE): a reader stalled for 10 s fails the write. */
export const stderrOutput: Output = {
  append: (text) => appendWhole(2, text, 10_000),
  close: async () => undefined,
};
