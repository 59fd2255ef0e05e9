// Lays out a directory the way the kubelet mounts a Secret volume: each key is a symlink
// `key -> ..data/key`, `..data -> ..<version>`, and an update writes a new versioned directory and
// swaps `..data` with one atomic rename. CSI Secrets Store mounts follow the same pattern.
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubeSecret {
  readonly dir: string;
  path(key: string): string;
  /** Publishes a new version of every key at once (atomic `..data` swap); the old version is removed. */
  update(data: Record<string, string>): void;
  remove(): void;
}

export function kubeSecret(data: Record<string, string>, mode = 0o600): KubeSecret {
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-secret-'));
  let version = 0;
  const update = (next: Record<string, string>) => {
    const name = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${++version}`;
    mkdirSync(join(dir, name));
    for (const [key, value] of Object.entries(next)) {
      writeFileSync(join(dir, name, key), value);
      chmodSync(join(dir, name, key), mode);
    }
    const previous = existsSync(join(dir, '..data')) ? readlinkSync(join(dir, '..data')) : undefined;
    symlinkSync(name, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data')); // the atomic swap
    for (const key of Object.keys(next)) {
      if (!existsSync(join(dir, key))) symlinkSync(join('..data', key), join(dir, key));
    }
    if (previous) rmSync(join(dir, previous), { recursive: true, force: true });
  };
  update(data);
  return { dir, path: (key) => join(dir, key), update, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
