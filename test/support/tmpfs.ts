// A real, small filesystem for full-disk tests: a tmpfs mounted on a fresh temporary directory
// (needs root, as on the CI machine). Where it cannot be mounted, `mountTmpfs` returns the reason
// and the caller skips with a loud banner — never silently.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Writes `path` in 4 KiB pieces until the filesystem is full; returns the bytes written. */
  fill(path: string): number;
  /** Removes every file in the filesystem except `keep`. */
  clear(keep?: string[]): void;
  unmount(): void;
}

export function mountTmpfs(sizeKiB: number, prefix: string): Tmpfs | { skipped: string } {
  if (process.platform !== 'linux') return { skipped: 'not Linux' };
  if (process.getuid?.() !== 0) return { skipped: 'not running as root (mounting a tmpfs needs it)' };
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const run = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0700`, `${prefix}-tmpfs`, dir], { encoding: 'utf8' });
  if (run.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: `mount -t tmpfs failed: ${(run.stderr || run.error?.message || '').trim()}` };
  }
  return {
    dir,
    fill(path) {
      const chunk = Buffer.alloc(4096, 0x78);
      let written = 0;
      for (;;) {
        try {
          writeFileSync(path, chunk, { flag: 'a' });
          written += chunk.length;
        } catch {
          return written;
        }
      }
    },
    clear(keep = []) {
      for (const name of readdirSync(dir)) if (!keep.includes(name)) unlinkSync(join(dir, name));
    },
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The banner a test prints when it cannot mount and skips. */
export function loudSkip(what: string, reason: string): void {
  const line = '!'.repeat(78);
  console.warn(
    `\n${line}\n!! SKIPPED: ${what}\n!! because: ${reason}\n!! These tests prove the audit trail survives a full disk; run them as root on Linux.\n${line}\n`,
  );
}
