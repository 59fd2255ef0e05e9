// Values read from mounted files (tokens, keys, certificates) that follow the file when it changes.
// Kubernetes Secret volumes and CSI mounts swap a `..data` symlink atomically and Vault Agent renames
// a rendered temp file into place, so the path stays the same while the content changes. The
// directory is watched (fs.watch) and the file re-checked periodically as a fallback (watches can be
// lost, e.g. on network file systems); reads also re-check at most once per interval. An unreadable
// or empty file keeps the last good value and logs one warning, so a half-finished rotation never
// breaks calls in flight. `onReload` reports each re-read that mattered after start-up (a new value
// in use, or the file unreadable) — for the secret-reload metric; it is never given the content.
import { type FSWatcher, readFileSync, realpathSync, statSync, watch } from 'node:fs';
import { dirname } from 'node:path';

import type { Logger } from 'pino';

export interface FileSource {
  (): string | undefined;
  readonly path: string;
  /** Whether the last attempt to read the file gave a usable value (false: keeping the last good one, or none). */
  readonly healthy: boolean;
  /** Stops watching and the periodic re-check. Reads still work (pull-based re-check). */
  close(): void;
}

export interface FileSourceOptions {
  logger?: Logger;
  /** Re-check interval: reads re-stat the file at most this often, and a timer re-checks it this often (default 1000). */
  checkEveryMs?: number;
  /** Trim whitespace (tokens, passphrases); PEM files are kept as they are. */
  trim?: boolean;
  /** Watch the directory and re-check periodically (default true). Off: only reads re-check. */
  watch?: boolean;
  /**
   * Told after start-up when a new value is taken into use or the file is readable again (`ok`), and
   * once when it becomes unreadable or empty (`failed`, the last good value stays). Path and result only.
   */
  onReload?: SecretReloadListener;
}

export type SecretReloadListener = (event: { path: string; result: 'ok' | 'failed' }) => void;

export function fileSource(path: string, options: FileSourceOptions = {}): FileSource {
  const checkEveryMs = options.checkEveryMs ?? 1000;
  let value: string | undefined;
  let stamp = '';
  let checkedAt = -Infinity;
  let warned = false;
  let healthy = false;
  let started = false; // the first read is a load, not a reload
  const notify = (result: 'ok' | 'failed') => {
    if (!started || !options.onReload) return;
    try {
      options.onReload({ path, result });
    } catch {
      // a listener's failure never affects the secret
    }
  };

  const refresh = () => {
    checkedAt = performance.now();
    try {
      const stat = statSync(path);
      const next = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      if (next === stamp) {
        healthy = value !== undefined;
        return;
      }
      const content = readFileSync(path, 'utf8');
      const cleaned = options.trim === false ? content : content.trim();
      if (cleaned.trim() === '') throw new Error('the file is empty');
      const rotated = value !== undefined && value !== cleaned;
      if (value !== cleaned || warned) notify('ok');
      value = cleaned;
      stamp = next;
      healthy = true;
      if (rotated) options.logger?.info({ file: path }, 'secret file changed; new value in use for new requests');
      if (warned) options.logger?.info({ file: path }, 'secret file readable again');
      warned = false;
    } catch (error) {
      healthy = false;
      // A failed read must be retried even if the stamp did not move (e.g. permissions fixed).
      stamp = '';
      if (!warned) {
        // Only the reason and path: the content is never put in a log line.
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        options.logger?.warn(
          { file: path, reason },
          value === undefined ? 'cannot read secret file' : 'cannot re-read secret file; keeping the last good value',
        );
        warned = true;
        notify('failed');
      }
    }
  };

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let pending: NodeJS.Timeout | undefined;
  if (options.watch !== false) {
    // The kubelet's swap is several steps (write new dir, swap link, delete old dir); settle first.
    const soon = () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        refresh();
      }, 25);
      pending.unref();
    };
    const dirs = new Set([dirname(path)]);
    try {
      dirs.add(dirname(realpathSync(path)));
    } catch {
      // the file does not exist yet; the parent directory watch sees it appear
    }
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, { persistent: false }, soon);
        watcher.on('error', () => watcher.close()); // the periodic re-check carries on
        watchers.push(watcher);
      } catch {
        // directory missing or not watchable: the periodic re-check covers it
      }
    }
    timer = setInterval(refresh, Math.max(checkEveryMs, 50));
    timer.unref();
  }

  const source = (() => {
    if (performance.now() - checkedAt >= checkEveryMs) refresh();
    return value;
  }) as FileSource;
  Object.defineProperties(source, {
    path: { value: path },
    healthy: { get: () => healthy },
    close: {
      value: () => {
        for (const w of watchers.splice(0)) w.close();
        if (timer) clearInterval(timer);
        if (pending) clearTimeout(pending);
      },
    },
  });
  refresh();
  started = true;
  return source;
}
