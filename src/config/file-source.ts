// Values read from mounted files (tokens, keys, certificates) that follow the file when it changes:
// Kubernetes Secret volumes swap a `..data` symlink atomically, so the path stays the same while
// the content changes. The file is re-checked at most once a second; an unreadable or empty file
// keeps the last good value, so a half-finished rotation never breaks calls in flight.
import { readFileSync, statSync } from 'node:fs';

import type { Logger } from '../telemetry/logger.js';

export interface FileSource {
  (): string | undefined;
  readonly path: string;
}

export function fileSource(path: string, options: { logger?: Logger; checkEveryMs?: number; trim?: boolean } = {}): FileSource {
  const checkEveryMs = options.checkEveryMs ?? 1000;
  let value: string | undefined;
  let stamp = '';
  let checkedAt = -Infinity;
  let warned = false;

  const refresh = () => {
    try {
      const stat = statSync(path);
      const next = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      if (next === stamp) return;
      const content = readFileSync(path, 'utf8');
      const cleaned = options.trim === false ? content : content.trim();
      if (cleaned === '') throw new Error('the file is empty');
      value = cleaned;
      stamp = next;
      warned = false;
    } catch (error) {
      if (!warned) {
        options.logger?.warn({ file: path, reason: (error as Error).message }, value === undefined ? 'cannot read secret file' : 'cannot re-read secret file; keeping the last good value');
        warned = true;
      }
    }
  };

  const source = (() => {
    const now = performance.now();
    if (now - checkedAt >= checkEveryMs) {
      checkedAt = now;
      refresh();
    }
    return value;
  }) as FileSource;
  Object.defineProperty(source, 'path', { value: path });
  return source;
}
