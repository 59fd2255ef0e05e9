// Rotation of the audit file by size and by time, on a real filesystem: rotated files sit beside
// the file as `<file>.<UTC time>`, the chain runs on across them (also across a restart and a
// restore from a copy), retention keeps N files, and `audit verify` accepts the rotated set in order
// and finds a missing, cut or reordered file.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { listRotated, nextRotatedName, rotatedName, rotationDue, rotationStamp } from '../../src/audit/rotation.js';
import { createAuditSink } from '../../src/audit/sink.js';
import { verifyAuditFiles } from '../../src/audit/verify.js';
import { sampleEvent, verifyCli, writeSequential } from './fixtures.js';
import { tempDir } from '../support/audited-server.js';

const DAY = 86_400_000;
const seqsOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { seq: number }).seq);

describe('audit rotation by size', () => {
  it('rotates beside the file, keeps the chain across files, and audit verify --rotated accepts the set', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const rotation = { maxBytes: 3000, intervalSeconds: 0, retainFiles: 0 };
    await writeSequential({ file, durability: 'fsync', rotation }, 0, 20);
    const rotated = await listRotated(file);
    expect(rotated.length).toBeGreaterThanOrEqual(4);
    for (const path of rotated) expect(basename(path)).toMatch(/^audit\.jsonl\.\d{8}T\d{6}\.\d{3}Z(-\d+)?$/);
    // Rotation happens before a write once the size is reached: a file exceeds it by one batch at most.
    const oneEvent = readFileSync(rotated[0]!, 'utf8').split('\n')[0]!.length + 1;
    for (const path of rotated) expect(statSync(path).size).toBeLessThan(3000 + oneEvent);
    const all = [...rotated, file].flatMap(seqsOf);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    expect(verifyCli(file).code).toBe(1); // the active file alone continues a chain
    const cli = verifyCli('--rotated', file);
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toMatch(new RegExp(`OK, 20 events in ${rotated.length + 1} files, chain intact`));
    // The explicit list in glob order is the same thing.
    expect(verifyCli(...rotated, file).code).toBe(0);
  });

  it('a restart after a rotation continues the chain from the newest rotated file', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    // An idle time rotation leaves the active file empty; the next process starts on it (or on no file at all).
    await rotatedWhileIdle(file, 4);
    expect(statSync(file).size).toBe(0);
    await writeSequential({ file, durability: 'fsync' }, 4, 2);
    expect(seqsOf(file)).toEqual([5, 6]);
    await rotatedWhileIdle(file, 1);
    unlinkSync(file);
    await writeSequential({ file, durability: 'fsync' }, 7, 1);
    expect(seqsOf(file)).toEqual([8]);
    const cli = verifyCli('--rotated', file);
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toMatch(/OK, 8 events in 3 files/);
  });

  it('retention keeps the newest N rotated files; the oldest kept file then needs --allow-continuation', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeSequential({ file, durability: 'write', rotation: { maxBytes: 1500, intervalSeconds: 0, retainFiles: 2 } }, 0, 16);
    expect(await listRotated(file)).toHaveLength(2);
    const strict = verifyCli('--rotated', file);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/the chain does not start here/);
    const continued = verifyCli('--rotated', '--allow-continuation', file);
    expect(continued.code, continued.out).toBe(0);
    expect(continued.out).toMatch(/continues a chain from seq \d+/);
  });

  it('audit verify finds a missing, a cut and a reordered file of the set', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeSequential({ file, durability: 'write', rotation: { maxBytes: 1500, intervalSeconds: 0, retainFiles: 0 } }, 0, 12);
    const rotated = await listRotated(file);
    expect(rotated.length).toBeGreaterThanOrEqual(3);

    const reordered = verifyCli(rotated[1]!, rotated[0]!, ...rotated.slice(2), file);
    expect(reordered.code).toBe(1);
    expect(reordered.out).toMatch(/does not continue .*not in chain order/);

    const missing = await verifyAuditFiles([rotated[0]!, ...rotated.slice(2), file]);
    expect(missing.ok).toBe(false);
    expect(missing.problems[0]!.message).toMatch(
      new RegExp(`${basename(rotated[2]!)} does not continue ${basename(rotated[0]!)}: seq jumps .* a file between them is missing`),
    );

    const text = readFileSync(rotated[1]!, 'utf8').split('\n').filter(Boolean);
    writeFileSync(rotated[1]!, `${text.slice(0, -1).join('\n')}\n`);
    const cut = verifyCli('--rotated', file);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(new RegExp(`${basename(rotated[2]!)} does not continue ${basename(rotated[1]!)}.*cut short`));
  });

  it('a restore from a copy (DR) continues the chain of the copy, and the set verifies', async () => {
    const dir = tempDir();
    const file = join(dir, 'audit.jsonl');
    const rotation = { maxBytes: 2000, intervalSeconds: 0, retainFiles: 0 };
    await writeSequential({ file, durability: 'fsync', rotation }, 0, 10);
    const restored = join(tempDir(), 'restored');
    mkdirSync(restored);
    for (const name of readdirSync(dir)) copyFileSync(join(dir, name), join(restored, name));
    const again = join(restored, 'audit.jsonl');
    await writeSequential({ file: again, durability: 'fsync', rotation }, 10, 5);
    const cli = verifyCli('--rotated', again);
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toMatch(/OK, 15 events/);
  });
});

/**
 * Writes `count` events 10 s before the end of an hour with hourly rotation, then moves the (fake)
 * clock and timers past the hour: the sink's idle timer rotates the file without a write.
 */
async function rotatedWhileIdle(file: string, count: number): Promise<string[]> {
  const before = (await listRotated(file)).length;
  const hourEnd = (Math.floor(Date.now() / 3_600_000) + 1) * 3_600_000;
  let now = hourEnd - 10_000;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    const sink = await createAuditSink({ file, durability: 'write', rotation: { maxBytes: 0, intervalSeconds: 3600, retainFiles: 0 }, clock: () => now });
    for (let i = 0; i < count; i++) await sink.write(sampleEvent(i));
    expect(await listRotated(file)).toHaveLength(before);
    now = hourEnd + 1;
    await vi.advanceTimersByTimeAsync(10_100);
    await sink.close(); // waits for the rotation the timer started
  } finally {
    vi.useRealTimers();
  }
  const rotated = await listRotated(file);
  expect(rotated).toHaveLength(before + 1);
  return rotated;
}

describe('audit rotation by time', () => {
  it('rotates before the first write of a new period (daily, aligned to 00:00 UTC)', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const day = Date.UTC(2026, 10, 25);
    let now = day + DAY - 5_000; // 23:59:55 UTC
    const sink = await createAuditSink({ file, durability: 'fsync', rotation: { maxBytes: 0, intervalSeconds: 86_400, retainFiles: 0 }, clock: () => now });
    await sink.write(sampleEvent(0));
    await sink.write(sampleEvent(1));
    expect(await listRotated(file)).toEqual([]);
    now = day + DAY + 1_000; // 00:00:01 the next day
    await sink.write(sampleEvent(2));
    await sink.close();
    const rotated = await listRotated(file);
    expect(rotated.map((p) => basename(p))).toEqual([`audit.jsonl.${rotationStamp(now)}`]);
    expect(seqsOf(rotated[0]!)).toEqual([1, 2]);
    expect(seqsOf(file)).toEqual([3]);
    expect(verifyCli('--rotated', file).code).toBe(0);
  });

  it('rotates an idle file when its period ends, without waiting for a write', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const rotated = await rotatedWhileIdle(file, 2);
    expect(seqsOf(rotated[0]!)).toEqual([1, 2]);
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBe(0);
  });

  it('due rules: size first, then the period of the first event; an empty file never rotates', () => {
    const settings = { maxBytes: 100, intervalSeconds: 60, retainFiles: 0 };
    expect(rotationDue(settings, 0, 0, 10 * 60_000)).toBeUndefined();
    expect(rotationDue(settings, 100, Date.now(), Date.now())).toBe('size');
    expect(rotationDue(settings, 10, 59_000, 59_999)).toBeUndefined();
    expect(rotationDue(settings, 10, 59_000, 60_000)).toBe('time');
    const taken = new Set([`a.${rotationStamp(0)}`, `a.${rotationStamp(0)}-1`]);
    expect(rotatedName('a', 0, (n) => taken.has(n))).toBe(`a.${rotationStamp(0)}-2`);
  });

  it('a clock stepped back still names the next rotated file after the newest one (chain order)', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    const later = Date.UTC(2026, 10, 25, 12);
    writeFileSync(`${file}.${rotationStamp(later)}`, '');
    const name = await nextRotatedName(file, later - DAY, () => false);
    expect(name).toBe(`${file}.${rotationStamp(later + 1)}`);
    expect((await listRotated(file)).concat(name).sort()).toEqual([`${file}.${rotationStamp(later)}`, name]);
  });
});

describe('configuration', () => {
  const env = { ISPW_MCP_CES_URL: 'https://ces.example.com:48226', ISPW_MCP_SRID: 'CW09-47623', ISPW_MCP_CES_TOKEN_FILE: '/run/token' };
  const noFiles = (path: string): string => {
    throw new Error(`ENOENT ${path}`);
  };

  it('takes rotation settings with an audit file, and refuses them without one', async () => {
    const { loadConfig } = await import('../../src/config/load.js');
    const config = loadConfig({
      env: { ...env, ISPW_MCP_AUDIT_FILE: '/var/log/ispw-mcp/audit.jsonl', ISPW_MCP_AUDIT_ROTATE_BYTES: '104857600', ISPW_MCP_AUDIT_RETAIN_FILES: '30' },
      flags: { auditRotateIntervalSeconds: '86400' },
      readFile: noFiles,
    });
    expect(config.audit).toMatchObject({ rotateBytes: 104_857_600, rotateIntervalSeconds: 86_400, retainFiles: 30 });
    expect(() => loadConfig({ env: { ...env, ISPW_MCP_AUDIT_ROTATE_BYTES: '1000' }, readFile: noFiles })).toThrow(
      /audit rotation and retention need an audit file/,
    );
  });
});
