// The audit sink: a JSON-lines file or the stderr stream (each line marked `"stream":"audit"`),
// kept apart from the debug log. Events are numbered and hash-chained in the order written; writes
// are queued and group-committed (one write and, with `fsync`, one fdatasync for everything queued),
// so concurrent calls share the disk cost. A file continues the chain of its last line after a restart.
import { randomUUID } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { writeSync } from 'node:fs';

import { PRODUCT } from '../shared/version.js';
import { check, seal } from './chain.js';
import { AUDIT_SCHEMA_VERSION, AUDIT_STREAM, type AuditEventBody, GENESIS_HASH } from './schema.js';

/**
 * `fsync`: the event is on disk (fdatasync) before write() resolves; `write`: it has been handed to
 * the OS (survives a process crash, not a power loss); `buffered`: write() resolves at once and the
 * event follows shortly (a crash can lose the last events).
 */
export type AuditDurability = 'fsync' | 'write' | 'buffered';

export interface AuditSink {
  /** Writes one event; rejects when it could not be written (with `buffered`, never rejects). */
  write(event: AuditEventBody): Promise<void>;
  /** Writes everything queued and releases the file. */
  close(): Promise<void>;
  readonly description: string;
}

interface Output {
  append(text: string, sync: boolean): Promise<void>;
  close(): Promise<void>;
}

const TAIL_BYTES = 1 << 20;

/** The last complete line of a regular file (for chain continuation), or undefined. */
async function lastLine(handle: FileHandle): Promise<string | undefined> {
  const stat = await handle.stat();
  if (!stat.isFile() || stat.size === 0) return undefined;
  const length = Math.min(stat.size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, stat.size - length);
  const lines = buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1);
}

interface ChainHead {
  seq: number;
  hash: string;
}

function headOf(line: string | undefined, path: string): ChainHead {
  if (line === undefined) return { seq: 0, hash: GENESIS_HASH };
  const sealed = check(line);
  let seq: unknown;
  try {
    seq = (JSON.parse(line) as { seq?: unknown }).seq;
  } catch {
    seq = undefined;
  }
  if (!sealed || sealed.claimed !== sealed.actual || typeof seq !== 'number') {
    // Refuse to extend a chain whose end is already broken: the operator must look first.
    throw new Error(`the last line of the audit file ${path} is not a valid audit event; run \`ispw-mcp audit verify ${path}\`, then move the file aside`);
  }
  return { seq, hash: sealed.claimed };
}

export async function openFileOutput(path: string): Promise<{ output: Output; head: ChainHead }> {
  const handle = await open(path, 'a+', 0o600);
  let head: ChainHead;
  try {
    head = headOf(await lastLine(handle), path);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    head,
    output: {
      async append(text, sync) {
        await handle.write(text);
        if (sync) await handle.datasync();
      },
      close: () => handle.close(),
    },
  };
}

/** stderr: written synchronously in whole lines so they never interleave with log lines. */
export const stderrOutput: Output = {
  append: async (text) => {
    writeSync(2, text);
  },
  close: async () => undefined,
};

export interface SinkOptions {
  durability: AuditDurability;
  /** Called for every event that could not be written (metrics, error log). */
  onFailure?: (error: unknown, count: number) => void;
}

export function createChainedSink(output: Output, head: ChainHead, description: string, options: SinkOptions): AuditSink {
  let seq = head.seq;
  let prevHash = head.hash;
  let queue: { line: string; done: (error?: unknown) => void }[] = [];
  let flushing: Promise<void> | undefined;
  let closed = false;

  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await output.append(batch.map((b) => b.line).join(''), options.durability === 'fsync');
        for (const b of batch) b.done();
      } catch (error) {
        options.onFailure?.(error, batch.length);
        for (const b of batch) b.done(error);
      }
    }
  };
  const kick = () => {
    flushing ??= flush().finally(() => {
      flushing = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    description,
    write(event) {
      if (closed) return Promise.reject(new Error('the audit sink is closed'));
      // Numbering and hashing happen here, synchronously, so the chain follows the call order.
      seq += 1;
      const body = JSON.stringify({
        stream: AUDIT_STREAM,
        schemaVersion: AUDIT_SCHEMA_VERSION,
        eventId: randomUUID(),
        time: new Date().toISOString(),
        ...event,
        seq,
        prevHash,
      });
      const { line, hash } = seal(body);
      prevHash = hash;
      const written = new Promise<void>((resolve, reject) => {
        queue.push({ line: `${line}\n`, done: (error) => (error === undefined ? resolve() : reject(error as Error)) });
      });
      kick();
      if (options.durability === 'buffered') {
        written.catch(() => undefined);
        return Promise.resolve();
      }
      return written;
    },
    async close() {
      closed = true;
      while (flushing || queue.length > 0) {
        kick();
        await flushing;
      }
      await output.close();
    },
  };
}

export interface AuditSinkSettings {
  /** JSON-lines file; the stderr stream when undefined. */
  file?: string | undefined;
  durability: AuditDurability;
}

export async function createAuditSink(settings: AuditSinkSettings, onFailure?: SinkOptions['onFailure']): Promise<AuditSink> {
  const options: SinkOptions = { durability: settings.durability, ...(onFailure ? { onFailure } : {}) };
  if (settings.file) {
    const { output, head } = await openFileOutput(settings.file);
    return createChainedSink(output, head, `file ${settings.file} (${settings.durability})`, options);
  }
  return createChainedSink(stderrOutput, { seq: 0, hash: GENESIS_HASH }, 'stderr', options);
}

export const SERVICE = { name: PRODUCT.name, version: PRODUCT.version };
