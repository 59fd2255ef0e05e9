// The bench side of bench/heap-probe.mjs: the node flags and environment that load the probe into a
// server, the SIGUSR2 command channel ("gc", "snapshot <name>", …) and the memory lines it writes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));

/** One line of memory.jsonl (sizes in kB). */
export interface ProbeLine {
  t: number;
  rssKb: number;
  rssAnonKb: number;
  rssFileKb: number;
  mallocedKb: number;
  heapTotalKb: number;
  heapUsedKb: number;
  externalKb: number;
  arrayBuffersKb: number;
  spaces: Record<string, { sizeKb: number; usedKb: number }>;
  /** GCs since start: scavenges (minor) and mark-compacts (major), count and pause milliseconds. */
  gc?: { minor: number; minorMs: number; major: number; majorMs: number };
  mark?: string;
}

export interface HeapProbe {
  dir: string;
  /** Node flags for the server: --expose-gc and the preload. */
  nodeArgs: string[];
  env: Record<string, string>;
  /** Runs a probe command in the server and waits (bounded) until it is done; false on timeout. */
  command(pid: number, command: string, timeoutMs?: number): Promise<boolean>;
  lines(): ProbeLine[];
  /** The line the last `gc <name>` command wrote (heap after a forced full GC). */
  afterGc(name: string): ProbeLine | undefined;
  remove(): void;
}

export function heapProbe(everyMs: number, dir = mkdtempSync(join(tmpdir(), 'ispw-heap-probe-'))): HeapProbe {
  const lines = (): ProbeLine[] => {
    const file = join(dir, 'memory.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ProbeLine);
  };
  return {
    dir,
    nodeArgs: ['--expose-gc', '--import', PROBE],
    env: { BENCH_HEAP_PROBE_DIR: dir, BENCH_HEAP_PROBE_MS: String(everyMs) },
    async command(pid, command, timeoutMs = 120_000) {
      const done = join(dir, 'done');
      rmSync(done, { force: true });
      writeFileSync(join(dir, 'command'), command);
      try {
        process.kill(pid, 'SIGUSR2');
      } catch {
        return false;
      }
      const until = performance.now() + timeoutMs;
      while (!existsSync(done)) {
        if (performance.now() > until) return false;
        await sleep(20);
      }
      return true;
    },
    lines,
    afterGc: (name) => lines().findLast((l) => l.mark === `gc ${name}`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
