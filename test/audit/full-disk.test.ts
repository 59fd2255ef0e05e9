// The audit chain survives a full disk, on a real 64 KiB tmpfs: records reach the file whole or not
// at all (a short write is truncated away, nothing is numbered that was not written), every refused
// event is reported as refused and counted, the sink says it refuses writes until space is back,
// and `audit verify` passes at every point. Skips loudly where a tmpfs cannot be mounted.
import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { createAuditSink } from '../../src/audit/sink.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { textOf } from '../support/harness.js';
import { loudSkip, mountTmpfs, type Tmpfs } from '../support/tmpfs.js';
import { sampleEvent, verifyCli } from './fixtures.js';
import { startAuditedServer } from '../support/audited-server.js';

const mounted = mountTmpfs(64, 'issue-17b-audit-full');
const fs: Tmpfs | undefined = 'skipped' in mounted ? undefined : mounted;
if ('skipped' in mounted) loudSkip('audit full-disk tests (test/audit/full-disk.test.ts)', mounted.skipped);
afterAll(() => fs?.unmount());

const seqs = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { seq: number }).seq);

const metricValue = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);

describe.skipIf(!fs)('audit on a full disk (64 KiB tmpfs)', () => {
  beforeAll(() => fs!.clear());

  it('writes whole records or none, numbers only what was written, and recovers when space is back', async () => {
    fs!.clear();
    const file = join(fs!.dir, 'audit.jsonl');
    const filler = join(fs!.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(24 * 1024, 0x78));
    let now = Date.now();
    const failures: number[] = [];
    const sink = await createAuditSink({ file, durability: 'fsync', clock: () => now }, { onFailure: (_e, events) => failures.push(events) });
    // Group-committed waves of concurrent writes until the disk is full. A wave stays well below the
    // readiness probe's 16 KiB, so the space a refused wave leaves is too little for the probe.
    const outcomes: boolean[] = [];
    for (let wave = 0; wave < 28; wave++) {
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => sink.write(sampleEvent(wave * 6 + i))));
      outcomes.push(...results.map((r) => r.status === 'fulfilled'));
    }
    const written = outcomes.filter(Boolean).length;
    const refused = outcomes.length - written;
    expect(written).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
    // Every refused event was reported to the caller and to the failure hook; none reached the file.
    expect(failures.reduce((a, b) => a + b, 0)).toBe(refused);
    expect(seqs(file)).toEqual(Array.from({ length: written }, (_, i) => i + 1));
    expect(sink.health()).toMatchObject({ writable: false, reason: 'ENOSPC' });
    const whileFull = await verifyAuditFile(file);
    expect(whileFull, JSON.stringify(whileFull.problems)).toMatchObject({ ok: true, events: written });

    // Still full: the probe says so. Space back: the probe says writable, and the chain goes on.
    now += 2_000;
    expect((await sink.probe()).writable).toBe(false);
    unlinkSync(filler);
    now += 2_000;
    expect((await sink.probe()).writable).toBe(true);
    await sink.write(sampleEvent(1000));
    await sink.close();
    expect(seqs(file)).toEqual(Array.from({ length: written + 1 }, (_, i) => i + 1));
    const cli = verifyCli(file);
    expect(cli.code, cli.out).toBe(0);
  });

  it('write tools are refused (and counted) while the attempt cannot be recorded; CES never sees them', async () => {
    fs!.clear();
    const file = join(fs!.dir, 'audit.jsonl');
    const filler = join(fs!.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(32 * 1024, 0x78));
    const metrics = new Metrics();
    const server = await startAuditedServer({ file, metrics });
    try {
      const args = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };
      let refused = 0;
      let outcomeWarnings = 0;
      let accepted = 0;
      for (let i = 0; i < 60 && refused < 5; i++) {
        const result = await server.call('ispw_generate', args);
        const text = textOf(result);
        if (result.isError && /audit trail cannot be written/.test(text)) refused += 1;
        else {
          expect(result.isError, text).toBeFalsy();
          accepted += 1;
          if (/audit record of this outcome could not be written/.test(text)) outcomeWarnings += 1;
        }
      }
      expect(refused).toBe(5);
      // Refused calls never reached CES; each accepted one sent exactly one POST.
      expect(server.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(accepted);
      const scraped = await metrics.render();
      expect(metricValue(scraped, /ispw_mcp_audit_write_failures_total\{type="write.attempt"\} (\d+)/)).toBe(refused);
      expect(metricValue(scraped, /ispw_mcp_audit_write_failures_total\{type="write.outcome"\} (\d+)/)).toBe(outcomeWarnings);
      expect(metricValue(scraped, /error_type="audit_unavailable"\} (\d+)/)).toBe(refused);
      const events = server.events();
      expect(events.filter((e) => e.type === 'write.attempt')).toHaveLength(accepted);
      expect(events.filter((e) => e.type === 'write.outcome')).toHaveLength(accepted - outcomeWarnings);
      expect((await verifyAuditFile(file)).ok).toBe(true);

      // Space comes back: the next write is admitted and recorded, and the chain is intact.
      unlinkSync(filler);
      const after = await server.call('ispw_generate', args);
      expect(after.isError, textOf(after)).toBeFalsy();
      expect((await verifyAuditFile(file)).ok).toBe(true);
    } finally {
      await server.close();
    }
    const cli = verifyCli(file);
    expect(cli.code, cli.out).toBe(0);
  });

  it('a restart on a full disk with a torn tail: the recovery event waits for space, then the chain goes on', async () => {
    fs!.clear();
    const file = join(fs!.dir, 'audit.jsonl');
    const first = await createAuditSink({ file, durability: 'fsync' });
    for (let i = 0; i < 3; i++) await first.write(sampleEvent(i));
    await first.close();
    // A crash in the middle of the 4th record (cut to end on a page boundary, so no slack is left
    // in the file's last page), then the disk fills up.
    const start = '{"stream":"audit","schemaVersion":"1","eventId":"4f';
    const torn = start.padEnd(4096 - (statSync(file).size % 4096), 'x');
    writeFileSync(file, torn, { flag: 'a' });
    const filler = join(fs!.dir, 'filler');
    fs!.fill(filler);

    let now = Date.now();
    const recovered: string[] = [];
    const sink = await createAuditSink({ file, durability: 'fsync', clock: () => now }, { onRecovered: (_r, result) => recovered.push(result) });
    await expect(sink.write(sampleEvent(3))).rejects.toThrow(/ENOSPC/);
    expect(sink.health().writable).toBe(false);
    expect(recovered).toContain('failed');
    expect(verifyCli(file).code).toBe(1); // the torn tail is still unexplained

    unlinkSync(filler);
    now += 2_000;
    expect((await sink.probe()).writable).toBe(true);
    await sink.write(sampleEvent(4));
    await sink.close();
    expect(recovered.at(-1)).toBe('written');
    const result = await verifyAuditFile(file);
    expect(result, JSON.stringify(result.problems)).toMatchObject({ ok: true, events: 5, recovered: [{ bytes: torn.length }] });
  });
});
