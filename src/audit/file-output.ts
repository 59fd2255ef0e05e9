// The audit file as the sink writes it: every batch of records reaches the file whole or not at
// all. A write can be short (the disk filled up part-way) and an fdatasync can fail after the bytes
// were accepted; either way the bytes this batch added are truncated away again before the failure
// is reported, so the file never keeps half a record and the next record never lands on a torn line.
// If even the truncation fails, the next write (or readiness probe) retries it first, and a process
// that ends in that state leaves a torn tail that the next start recovers (file-tail.ts).
// Rotation renames the file beside itself and starts a new one (rotation.ts).
import { constants as fsConstants, existsSync } from 'node:fs';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { AuditTailError, type ChainHead, firstEventTime, GENESIS, readTail, type TornTail } from './file-tail.js';
import { applyRetention, listRotated, nextRotatedName, periodEnd, rotationDue, type RotationSettings } from './rotation.js';

/** Where the sink puts its lines: the audit file, or stderr. */
export interface Output {
  /** Appends whole lines; on failure nothing of `text` stays in the output. */
  append(text: string, sync: boolean, firstEventMs: number): Promise<void>;
  close(): Promise<void>;
  /** Which rotation is due now, if any. */
  rotationDue?(nowMs: number): 'size' | 'time' | undefined;
  /** Renames the file beside itself, starts a new one, applies retention. */
  rotate?(nowMs: number): Promise<RotationResult>;
  /** When the current file's rotation period ends (time rotation), for the idle timer. */
  periodEnd?(): number | undefined;
  /** Succeeds when the output can take writes again (after a failure). */
  probe?(): Promise<void>;
}

export interface RotationResult {
  /** The rotated file's new name. */
  file: string;
  /** Rotated files deleted by retention. */
  deleted: string[];
  /** Retention could not delete an old file (the rotation itself succeeded). */
  retentionError?: unknown;
}

/** A readiness probe writes this much beside the audit file: room for a handful of events. */
export const PROBE_BYTES = 16 * 1024;
const FILE_MODE = 0o600;

export interface OpenedAuditFile {
  output: AuditFile;
  /** Where the chain continues: the file's last valid event, or the newest rotated file's. */
  head: ChainHead;
  /** Bytes after the last valid event, to be named by an `audit.recovered` event before anything else. */
  torn: { file: string; tail: TornTail } | undefined;
}

async function openAppend(path: string): Promise<FileHandle> {
  // O_NOFOLLOW is not used: Kubernetes mounts and operators' symlinks are legitimate here.
  return open(path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, FILE_MODE);
}

/** The chain head at the end of a rotated file, which must end cleanly (it was complete when rotated). */
async function rotatedHead(path: string): Promise<ChainHead | undefined> {
  const handle = await open(path, 'r');
  try {
    const tail = await readTail(handle, path);
    if (tail.torn) throw new AuditTailError(`the rotated audit file ${path} does not end with a complete event; run \`ispw-mcp audit verify\` on it`);
    return tail.head;
  } finally {
    await handle.close();
  }
}

/** fsync of the directory, so a rename survives a power loss; best effort (not every filesystem allows it). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // a directory that cannot be synced is still usable
  }
}

export class AuditFile implements Output {
  /** Bytes a failed batch left in the file that are still to be truncated away. */
  private dirt = 0;

  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
    private size: number,
    private endsWithNewline: boolean,
    private firstEventMs: number | undefined,
    private readonly rotation: RotationSettings,
  ) {}

  static async open(path: string, rotation: RotationSettings): Promise<OpenedAuditFile> {
    const handle = await openAppend(path);
    try {
      const tail = await readTail(handle, path);
      // An empty file (or one whose first record is torn) continues the newest rotated file's chain.
      let head = tail.head;
      if (head === undefined) {
        const newest = (await listRotated(path)).at(-1);
        if (newest !== undefined) head = await rotatedHead(newest);
      }
      const firstMs = tail.head ? await firstEventTime(handle) : undefined;
      return {
        output: new AuditFile(path, handle, tail.size, tail.endsWithNewline, firstMs, rotation),
        head: head ?? GENESIS,
        torn: tail.torn ? { file: basename(path), tail: tail.torn } : undefined,
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async append(text: string, sync: boolean, firstEventMs: number): Promise<void> {
    const handle = await this.ready();
    // A file whose last line has no newline (a torn tail being recovered, or a crash just before the
    // newline) gets one first, inside the same all-or-nothing write.
    const data = Buffer.from(this.endsWithNewline ? text : `\n${text}`, 'utf8');
    let written = 0;
    try {
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written, data.length - written);
        if (bytesWritten <= 0) throw Object.assign(new Error('the audit file accepted no bytes'), { code: 'EIO' });
        written += bytesWritten;
      }
      if (sync) await handle.datasync();
    } catch (error) {
      this.dirt = written;
      await this.discardDirt().catch(() => undefined);
      throw error;
    }
    this.size += data.length;
    this.endsWithNewline = true;
    this.firstEventMs ??= firstEventMs;
  }

  rotationDue(nowMs: number): 'size' | 'time' | undefined {
    return rotationDue(this.rotation, this.size, this.firstEventMs, nowMs);
  }

  periodEnd(): number | undefined {
    return this.size > 0 ? periodEnd(this.rotation, this.firstEventMs) : undefined;
  }

  async rotate(nowMs: number): Promise<RotationResult> {
    const handle = await this.ready();
    // A rotated file is complete on disk whatever the durability setting.
    await handle.datasync();
    const target = await nextRotatedName(this.path, nowMs, existsSync);
    await rename(this.path, target);
    this.handle = undefined;
    await handle.close().catch(() => undefined);
    await syncDirectory(dirname(this.path));
    this.size = 0;
    this.endsWithNewline = true;
    this.firstEventMs = undefined;
    // Opened now so the file exists for shippers; if this fails, the next write tries again.
    this.handle = await openAppend(this.path).catch(() => undefined);
    try {
      return { file: target, deleted: await applyRetention(this.path, this.rotation.retainFiles) };
    } catch (retentionError) {
      return { file: target, deleted: [], retentionError };
    }
  }

  async probe(): Promise<void> {
    await this.ready();
    const path = join(dirname(this.path), `.${basename(this.path)}.probe`);
    const handle = await open(path, 'w', FILE_MODE);
    try {
      await handle.write(Buffer.alloc(PROBE_BYTES, 0x20));
      await handle.datasync();
    } finally {
      await handle.close();
      await unlink(path).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  /** The open handle, reopened after a failed rotation, with any left-over bytes of a failed batch removed. */
  private async ready(): Promise<FileHandle> {
    if (this.handle === undefined) {
      const handle = await openAppend(this.path);
      const tail = await readTail(handle, this.path).catch(async (error: unknown) => {
        await handle.close();
        throw error;
      });
      this.handle = handle;
      this.size = tail.size;
      this.endsWithNewline = tail.endsWithNewline;
    }
    if (this.dirt > 0) await this.discardDirt();
    return this.handle;
  }

  private async discardDirt(): Promise<void> {
    const handle = this.handle;
    if (this.dirt === 0 || handle === undefined) return;
    // From the current size rather than the remembered one: only this process appends, but an
    // operator's copytruncate may have shortened the file meanwhile.
    const { size } = await handle.stat();
    const target = Math.max(0, size - this.dirt);
    await handle.truncate(target);
    this.size = target;
    this.dirt = 0;
  }
}
