// A torn tail — a record cut short by a crash or a full disk — is found when the sink opens the
// file and recorded by an `audit.recovered` event that names the torn bytes (offset, length,
// SHA-256) before the chain goes on. `audit verify` (the built CLI) accepts the torn bytes only
// when that event describes them exactly; torn bytes without it, or changed after it, fail.
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { GENESIS_HASH } from '../../src/audit/schema.js';
import { createAuditSink } from '../../src/audit/sink.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { sampleEvent, verifyCli, writeSequential } from './fixtures.js';
import { tempDir } from '../support/audited-server.js';

const settings = (file: string) => ({ file, durability: 'fsync' as const });
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A file of `count` events and the bytes of the line that would have come next. */
async function fileWithNextLine(count: number): Promise<{ file: string; next: Buffer }> {
  const dir = tempDir();
  const file = join(dir, 'audit.jsonl');
  const longer = join(dir, 'longer.jsonl');
  await writeSequential(settings(file), 0, count);
  await writeSequential(settings(longer), 0, count + 1);
  return { file, next: Buffer.from(`${lines(longer)[count]}\n`, 'utf8') };
}

/** Cuts inside the multi-byte `✓` of the sample event, as a torn write would. */
function cutInsideCheckMark(line: Buffer): Buffer {
  const mark = line.indexOf(Buffer.from('✓'));
  expect(mark).toBeGreaterThan(0);
  return line.subarray(0, mark + 1);
}

describe('torn tail recovery', () => {
  it('names a record cut mid-character by an audit.recovered event, and the chain continues', async () => {
    const { file, next } = await fileWithNextLine(5);
    const cleanSize = statSync(file).size;
    const torn = cutInsideCheckMark(next);
    appendFileSync(file, torn);
    expect(verifyCli(file).code).toBe(1); // before recovery: an incomplete line at the end

    const sink = await createAuditSink(settings(file));
    await sink.write(sampleEvent(100));
    await sink.write(sampleEvent(101));
    await sink.close();

    const events = readFileSync(file)
      .subarray(cleanSize + torn.length + 1)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const marker = events[0];
    expect(marker).toMatchObject({
      type: 'audit.recovered',
      seq: 6,
      recovery: { reason: 'torn_tail', file: 'audit.jsonl', offset: cleanSize, bytes: torn.length, sha256: sha256(torn) },
    });
    expect(marker.prevHash).toBe(JSON.parse(lines(file)[4]!).hash);
    expect(events.slice(1).map((e: { seq: number }) => e.seq)).toEqual([7, 8]);

    const result = await verifyAuditFile(file);
    expect(result).toMatchObject({ ok: true, events: 8, recovered: [{ line: 7, bytes: torn.length }] });
    const cli = verifyCli(file);
    expect(cli.code, cli.out).toBe(0);
    expect(cli.out).toContain(`audit.recovered event accounts for ${torn.length} torn bytes`);
  });

  it('recovers only once: a restart after recovery continues the chain without another marker', async () => {
    const { file, next } = await fileWithNextLine(3);
    appendFileSync(file, next.subarray(0, 40));
    await writeSequential(settings(file), 10, 1);
    await writeSequential(settings(file), 11, 1);
    const types = lines(file).map((l) => (JSON.parse(l.startsWith('{"stream"') && l.endsWith('}') ? l : '{}') as { type?: string }).type);
    expect(types.filter((t) => t === 'audit.recovered')).toHaveLength(1);
    expect(verifyCli(file).code).toBe(0);
  });

  it('a complete last line whose newline was lost gets its newline, and no marker', async () => {
    const { file } = await fileWithNextLine(3);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n$/, ''));
    await writeSequential(settings(file), 3, 2);
    expect(lines(file).map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3, 4, 5]);
    expect(readFileSync(file, 'utf8')).not.toContain('audit.recovered');
    expect(verifyCli(file).code).toBe(0);
  });

  it('the torn first record of a new file starts the chain with the marker', async () => {
    const { next } = await fileWithNextLine(0);
    const file = join(tempDir(), 'audit.jsonl');
    writeFileSync(file, next.subarray(0, 60));
    await writeSequential(settings(file), 0, 1);
    const [, marker, event] = readFileSync(file, 'utf8').split('\n');
    expect(JSON.parse(marker!)).toMatchObject({ type: 'audit.recovered', seq: 1, prevHash: GENESIS_HASH, recovery: { offset: 0, bytes: 60 } });
    expect(JSON.parse(event!).seq).toBe(2);
    expect(verifyCli(file).code).toBe(0);
  });

  it('an event appended onto a torn line by an older version is set aside as torn bytes too', async () => {
    const { file, next } = await fileWithNextLine(4);
    appendFileSync(file, Buffer.concat([next.subarray(0, 70), next])); // torn line + a whole event on it
    await writeSequential(settings(file), 50, 1);
    const result = await verifyAuditFile(file);
    expect(result.ok, JSON.stringify(result.problems)).toBe(true);
    expect(result.recovered).toHaveLength(1);
  });

  const isTorn = (line: string) => line.startsWith('{') && !line.endsWith('}');
  const tamperings: [string, (text: string) => string, RegExp][] = [
    [
      'the torn bytes changed after recovery',
      (t) =>
        t
          .split('\n')
          .map((l) => (isTorn(l) ? l.replace('"schemaVersion"', '"SCHEMAVERSION"') : l))
          .join('\n'),
      /are not the torn bytes it describes/,
    ],
    [
      'the torn bytes removed after recovery',
      (t) =>
        t
          .split('\n')
          .filter((l) => !isTorn(l))
          .join('\n'),
      /without the torn bytes it describes/,
    ],
  ];

  it.each(tamperings)('audit verify fails when %s', async (_name, tamper, problem) => {
    const { file, next } = await fileWithNextLine(4);
    appendFileSync(file, next.subarray(0, 90));
    await writeSequential(settings(file), 20, 2);
    expect(verifyCli(file).code).toBe(0);
    writeFileSync(file, tamper(readFileSync(file, 'utf8')));
    const run = verifyCli(file);
    expect(run.code, run.out).toBe(1);
    expect(run.out).toMatch(problem);
  });

  it('audit verify fails for non-event bytes no recovery event accounts for', async () => {
    const { file } = await fileWithNextLine(4);
    const text = lines(file);
    writeFileSync(file, `${[...text.slice(0, 2), '{"stream":"audit","forged":true}', ...text.slice(2)].join('\n')}\n`);
    const run = verifyCli(file);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/line 3: not an audit event \(no recovery event accounts for it\)/);
  });
});
