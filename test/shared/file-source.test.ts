// Secret files follow rotation, including the Kubernetes Secret volume's atomic `..data` swap.
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { fileSource } from '../../src/shared/file-source.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-fs-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Lays out a directory the way the kubelet does: token -> ..data/token, ..data -> ..<timestamp>. */
function kubeSecret(dir: string, version: string, token: string) {
  const versioned = join(dir, `..${version}`);
  mkdirSync(versioned);
  writeFileSync(join(versioned, 'token'), `${token}\n`);
  const tmpLink = join(dir, '..data_tmp');
  symlinkSync(`..${version}`, tmpLink);
  renameSync(tmpLink, join(dir, '..data')); // the atomic swap
  try {
    symlinkSync('..data/token', join(dir, 'token'));
  } catch {
    /* already linked */
  }
}

describe('fileSource', () => {
  it('reads a trimmed value and follows an atomic ..data symlink swap', () => {
    const dir = tempDir();
    kubeSecret(dir, '2026_01_01', 'first-token');
    const token = fileSource(join(dir, 'token'), { checkEveryMs: 0 });
    expect(token()).toBe('first-token');
    kubeSecret(dir, '2026_01_02', 'second-token');
    expect(token()).toBe('second-token');
  });

  it('keeps the last good value when the file becomes empty or disappears', () => {
    const dir = tempDir();
    const path = join(dir, 'token');
    writeFileSync(path, 'good');
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as never;
    const token = fileSource(path, { checkEveryMs: 0, logger });
    expect(token()).toBe('good');
    writeFileSync(path, '   \n');
    expect(token()).toBe('good');
    unlinkSync(path);
    expect(token()).toBe('good');
    expect(warnings).toHaveLength(1); // one warning, not one per call
  });

  it('returns undefined for a file that never existed', () => {
    expect(fileSource(join(tempDir(), 'absent'), { checkEveryMs: 0 })()).toBeUndefined();
  });

  it('re-checks at most once per interval', () => {
    const dir = tempDir();
    const path = join(dir, 'token');
    writeFileSync(path, 'one');
    const token = fileSource(path, { checkEveryMs: 60_000 });
    expect(token()).toBe('one');
    writeFileSync(path, 'two');
    expect(token()).toBe('one');
  });
});
