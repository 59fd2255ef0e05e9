// The audit file's hash chain: written in order under concurrency, continued after a restart, and
// any edited, deleted, inserted or reordered line is reported by `ispw-mcp audit verify` (the built
// CLI, as an operator runs it), which exits 0 only for an intact file.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { AUDIT_SCHEMA_VERSION, auditJsonSchema, GENESIS_HASH, type AuditEventBody } from '../../src/audit/schema.js';
import { createAuditSink } from '../../src/audit/sink.js';
import { verifyAuditFile } from '../../src/audit/verify.js';
import { MAIN, assertBuilt } from '../support/server-process.js';
import { tempDir } from '../support/audited-server.js';

const body = (i: number): AuditEventBody => ({
  type: i % 2 ? 'write.outcome' : 'write.attempt',
  service: { name: 'ispw-mcp', version: 'test' },
  actor: { caller: null, authMethod: 'none', client: null, transport: 'stdio' },
  ces: { instance: 'sim', srid: 'CW09-47623', mainframeUser: null },
  action: { tool: 'ispw_promote', toolKind: 'destructive', cesOperations: [] },
  target: {
    containerType: 'assignment',
    containerId: `PLAY${String(i).padStart(6, '0')}`,
    assignmentId: null,
    releaseId: null,
    setId: null,
    deploymentRequestId: null,
    level: 'DEV1',
    moduleName: null,
    moduleType: null,
    taskIds: null,
  },
  decision: { result: 'allowed', rule: null, confirmationId: null, reason: null, confirmation: null },
  outcome: null,
  correlation: { correlationId: `c-${i}`, requestId: String(i), sessionId: null, traceId: null },
  arguments: { level: 'DEV1', note: 'ünïcode ✓' },
});

async function writeEvents(file: string, from: number, count: number, durability: 'fsync' | 'write' | 'buffered' = 'fsync') {
  const sink = await createAuditSink({ file, durability });
  await Promise.all(Array.from({ length: count }, (_, i) => sink.write(body(from + i))));
  await sink.close();
}

const cli = (...args: string[]) => {
  assertBuilt();
  const run = spawnSync(process.execPath, [MAIN, 'audit', 'verify', ...args], { encoding: 'utf8', timeout: 15_000 });
  return { code: run.status, out: run.stdout + run.stderr };
};

describe('audit hash chain', () => {
  it('numbers and chains concurrent writes in order, and continues the chain after a restart', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeEvents(file, 0, 25);
    await writeEvents(file, 25, 5, 'write');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(30);
    const events = lines.map((l) => JSON.parse(l) as { seq: number; prevHash: string; hash: string; stream: string; schemaVersion: string });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    events.slice(1).forEach((e, i) => expect(e.prevHash).toBe(events[i]!.hash));
    expect(events.every((e) => e.stream === 'audit' && e.schemaVersion === AUDIT_SCHEMA_VERSION)).toBe(true);
    const result = await verifyAuditFile(file);
    expect(result).toMatchObject({ ok: true, events: 30, problems: [] });
    const ok = cli(file);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('OK, 30 events');
  });

  const tamperings: [string, (lines: string[]) => string[], RegExp][] = [
    ['an edited value', (l) => l.map((line, i) => (i === 3 ? line.replace('PLAY000003', 'PLAY000999') : line)), /line 4: content changed/],
    ['a deleted line', (l) => l.filter((_, i) => i !== 4), /line 5: chain broken/],
    ['two swapped lines', (l) => [...l.slice(0, 2), l[3]!, l[2]!, ...l.slice(4)], /line 3: chain broken/],
    [
      'a forged line with a recomputed own hash',
      (l) => {
        const forged = JSON.parse(l[5]!) as Record<string, unknown>;
        forged.arguments = { level: 'PRD' };
        delete forged.hash;
        const text = JSON.stringify(forged);
        // The forger can make the line self-consistent, but not the next line's link to it.
        const hash = createHashHex(text);
        return l.map((line, i) => (i === 5 ? `${text.slice(0, -1)},"hash":"${hash}"}` : line));
      },
      /line 7: chain broken/,
    ],
    ['the first line removed', (l) => l.slice(1), /line 1: the chain does not start here/],
  ];

  it.each(tamperings)('audit verify detects %s and exits 1', async (_name, tamper, problem) => {
    const file = join(tempDir(), 'audit.jsonl');
    await writeEvents(file, 0, 10);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${tamper(lines).join('\n')}\n`);
    const run = cli(file);
    expect(run.code, run.out).toBe(1);
    expect(run.out).toMatch(/TAMPERED OR INVALID/);
    expect(run.out).toMatch(problem);
  });

  it('audit verify exits 2 for a missing file; a rotated file passes only with --allow-continuation', async () => {
    expect(cli(join(tempDir(), 'missing.jsonl')).code).toBe(2);
    const dir = tempDir();
    const file = join(dir, 'audit.jsonl');
    await writeEvents(file, 0, 6);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'rotated.jsonl'), `${lines.slice(3).join('\n')}\n`);
    expect(cli(join(dir, 'rotated.jsonl')).code).toBe(1);
    const continued = cli(join(dir, 'rotated.jsonl'), '--allow-continuation');
    expect(continued.code, continued.out).toBe(0);
    expect(continued.out).toContain('continues a chain from seq 4');
  });

  it('refuses to extend a file that holds no audit event at all (the wrong file?)', async () => {
    const file = join(tempDir(), 'audit.jsonl');
    writeFileSync(file, 'root:x:0:0:root:/root:/bin/bash\n{"not":"an event"}\n');
    await expect(createAuditSink({ file, durability: 'fsync' })).rejects.toThrow(/holds no valid audit event.*audit verify/);
    expect(readFileSync(file, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n{"not":"an event"}\n');
  });

  it.each(['1', '2'] as const)('the committed JSON Schema of version %s under docs/audit is the schema of the code (npm run docs)', (version) => {
    const committed = JSON.parse(readFileSync(new URL(`../../docs/audit/audit-event.v${version}.schema.json`, import.meta.url), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(auditJsonSchema(version))));
  });
});

import { createHash } from 'node:crypto';
function createHashHex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
