// The audit trail on stderr (no ISPW_MCP_AUDIT_FILE) when the reader of the pipe falls behind, as a
// container runtime's log collector can: the pipe fills and a plain write fails with EAGAIN. The
// sink must wait for the reader rather than fail (and, failing closed, refuse every write tool).
// A real child process and a real pipe whose reader pauses for a second.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const WRITER = fileURLToPath(new URL('./support/stderr-writer.ts', import.meta.url));

async function runWriter(count: number, pauseMs: number) {
  // `--import tsx` keeps the writer in this one process, with the pipe as its own fd 2.
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  // Nobody reads stderr for a while: the pipe (64 KiB) and the reader's buffer fill up.
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, report: JSON.parse(stdout.trim() || '{}') as { failed?: number; writable?: boolean }, lines: stderr.split('\n').filter(Boolean) };
}

describe('audit on stderr behind a slow reader', () => {
  it('waits for the reader: every event is written whole and in order, none fails', async () => {
    // ~1.4 KiB per event: 400 events are far more than the pipe and the reader's buffer hold.
    const { code, report, lines } = await runWriter(400, 1_500);
    expect(code).toBe(0);
    expect(report).toEqual({ failed: 0, writable: true });
    const events = lines.map((line) => JSON.parse(line) as { stream: string; seq: number });
    expect(events.every((e) => e.stream === 'audit')).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  }, 30_000);
});
