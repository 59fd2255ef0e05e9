// Disaster recovery of the audit trail (docs/dr.md, docs/runbooks/dr-restore.md) with real server
// processes: an audit file restored from a copy lets a new server continue the chain, and
// `ispw-mcp audit verify` accepts the result; a copy older than the SIEM's forks the chain (and
// verify says where), which restoring from the SIEM's copy avoids; a tampered copy is refused.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { verifyAuditLines } from '../../src/audit/verify.js';
import { connectHttp } from '../support/clients.js';
import { MAIN } from '../support/server-process.js';
import { run } from './support/tools.js';
import { startOpsServer } from './support/workload.js';

const scratch = mkdtempSync(join(tmpdir(), 'issue-16-operations-dr-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Event {
  seq: number;
  prevHash: string;
  hash: string;
}
const events = (file: string): Event[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);

/** Runs a server writing to `auditFile` (continuing whatever is in it), makes `writes` write calls, stops it. */
async function serveAndWrite(name: string, auditFile: string, writes: number): Promise<void> {
  const ops = await startOpsServer(name, { ISPW_MCP_AUDIT_FILE: auditFile });
  try {
    const { client } = await connectHttp(ops.server.url, '2026');
    try {
      for (let i = 0; i < writes; i++) {
        const result = await client.callTool({
          name: 'ispw_generate',
          arguments: { container_type: 'assignment', container_id: DEMO.dev2AssignmentId, level: 'DEV2' },
        });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      }
    } finally {
      await client.close();
    }
  } finally {
    await ops.close();
  }
}

const verifyCli = (file: string) => run(process.execPath, [MAIN, 'audit', 'verify', file]);

describe('restoring the audit trail', () => {
  it('from a copy: a new server continues the chain and audit verify accepts the whole file', async () => {
    const volume = join(scratch, 'volume-a.jsonl');
    await serveAndWrite('dr-before', volume, 3);
    const backup = join(scratch, 'snapshot-a.jsonl');
    copyFileSync(volume, backup); // the volume snapshot
    rmSync(volume); // the volume is lost

    const restored = join(scratch, 'restored-a.jsonl');
    copyFileSync(backup, restored);
    const before = events(restored);
    await serveAndWrite('dr-after', restored, 2);

    const after = events(restored);
    expect(after.length).toBe(before.length + 4);
    const first = after[before.length]!;
    expect(first.seq).toBe(before.at(-1)!.seq + 1);
    expect(first.prevHash).toBe(before.at(-1)!.hash);
    const result = await verifyCli(restored);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`OK, ${after.length} events, chain intact`));
  });

  it("from a copy older than the SIEM's, the chain forks; from the SIEM's copy it does not", async () => {
    const volume = join(scratch, 'volume-b.jsonl');
    await serveAndWrite('dr-phase1', volume, 2);
    const snapshot = join(scratch, 'snapshot-b.jsonl');
    copyFileSync(volume, snapshot);
    await serveAndWrite('dr-phase2', volume, 2); // written after the snapshot: on the SIEM, then the volume is lost
    const siemCopy = readFileSync(volume, 'utf8'); // byte-identical to what the shipper sent (siem.test.ts)
    rmSync(volume);

    // Restored from the older snapshot: the new events reuse seq numbers the SIEM already holds.
    const fromSnapshot = join(scratch, 'restored-from-snapshot.jsonl');
    copyFileSync(snapshot, fromSnapshot);
    await serveAndWrite('dr-fork', fromSnapshot, 1);
    const snapshotEvents = events(snapshot).length;
    const newTail = readFileSync(fromSnapshot, 'utf8').split('\n').filter(Boolean).slice(snapshotEvents);
    expect((await verifyCli(fromSnapshot)).code).toBe(0); // the restored file alone is intact…
    const siemView = await verifyAuditLines([...siemCopy.split('\n').filter(Boolean), ...newTail]);
    expect(siemView.ok).toBe(false); // …but next to the SIEM's events it is a fork
    expect(siemView.problems[0]!.message).toMatch(/chain broken|sequence jumps/);

    // Restored from the SIEM's copy: no gap, no fork.
    const fromSiem = join(scratch, 'restored-from-siem.jsonl');
    writeFileSync(fromSiem, siemCopy);
    await serveAndWrite('dr-siem', fromSiem, 1);
    const all = events(fromSiem);
    const siemEvents = siemCopy.split('\n').filter(Boolean).length;
    expect(all[siemEvents]!.seq).toBe(siemEvents + 1);
    expect((await verifyCli(fromSiem)).code).toBe(0);
  });

  it('audit verify refuses a tampered copy and names the line', async () => {
    const volume = join(scratch, 'volume-c.jsonl');
    await serveAndWrite('dr-tamper', volume, 2);
    const lines = readFileSync(volume, 'utf8').split('\n').filter(Boolean);
    lines[1] = lines[1]!.replace('"write.outcome"', '"write.attempt"').replace(/"level":"DEV2"/, '"level":"PRD"');
    const tampered = join(scratch, 'tampered.jsonl');
    writeFileSync(tampered, `${lines.join('\n')}\n`);
    const result = await verifyCli(tampered);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/TAMPERED OR INVALID/);
    expect(result.stdout).toMatch(/line 2: content changed/);
  });
});
