// Micro-measurement of the audit sink: CPU time and wall time per event for `write` and `fsync`
// durability, 16 concurrent writers (group commit), on a temporary file. `--sink <path>` measures
// another sink module with the same API (e.g. an older checkout's src/audit/sink.ts) for a before /
// after comparison; `--out <file>` writes the figures as JSON (bench/results/).
//   npx tsx bench/audit-sink.ts [--events 20000] [--sink /old/src/audit/sink.ts] [--label before] [--out bench/results/x.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import type { AuditEventBody } from '../src/audit/schema.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, sink: { type: 'string' }, label: { type: 'string', default: 'current' }, out: { type: 'string' } },
});
const N = Number(values.events);
const CONCURRENCY = 16;
const sinkModule = values.sink ? resolve(values.sink) : new URL('../src/audit/sink.ts', import.meta.url).pathname;
const { createAuditSink } = (await import(sinkModule)) as typeof import('../src/audit/sink.js');

const event = (i: number): AuditEventBody => ({
  type: i % 2 ? 'write.outcome' : 'write.attempt',
  service: { name: 'ispw-mcp', version: 'bench' },
  actor: { caller: 'alice@example.com', authMethod: 'oauth', client: { name: 'bench', version: '1' }, transport: 'http' },
  ces: { instance: 'prod', srid: 'CW09-47623', mainframeUser: 'service' },
  action: { tool: 'ispw_promote', toolKind: 'destructive', cesOperations: [] },
  target: {
    containerType: 'assignment',
    containerId: 'PLAY000313',
    assignmentId: 'PLAY000313',
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
  arguments: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' },
});

const results: Record<string, unknown>[] = [];
const loadBefore = loadavg();
for (const durability of ['write', 'fsync'] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-bench-audit-'));
  const sink = await createAuditSink({ file: join(dir, 'audit.jsonl'), durability });
  const count = durability === 'fsync' ? Math.min(N, 4000) : N;
  for (let i = 0; i < 500; i++) await sink.write(event(i)); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let w = 0; w < count / CONCURRENCY; w++) await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => sink.write(event(w * CONCURRENCY + i))));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
  const row = {
    label: values.label,
    durability,
    events: count,
    cpuMicrosPerEvent: +((used.user + used.system) / count).toFixed(2),
    wallMicrosPerEvent: +((wallMs * 1000) / count).toFixed(2),
  };
  results.push(row);
  process.stdout.write(
    `${values.label.padEnd(10)} ${durability.padEnd(6)} ${String(count).padStart(6)} events  ${row.cpuMicrosPerEvent.toFixed(2).padStart(7)} µs CPU/event  ${row.wallMicrosPerEvent.toFixed(2).padStart(8)} µs wall/event\n`,
  );
}
if (values.out) {
  writeFileSync(
    values.out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg(), concurrency: CONCURRENCY, results }, null, 2)}\n`,
  );
}
