// Audit test fixtures: a sample event body, writing N events through a real sink, and the built
// `ispw-mcp audit verify` CLI as an operator runs it.
import { spawnSync } from 'node:child_process';

import type { AuditEventBody } from '../../src/audit/schema.js';
import { createAuditSink, type AuditSinkSettings } from '../../src/audit/sink.js';
import { MAIN, assertBuilt } from '../support/server-process.js';

export const sampleEvent = (i: number): AuditEventBody => ({
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

/** Writes events `from` … `from + count - 1` one after the other through a fresh sink, then closes it. */
export async function writeSequential(settings: AuditSinkSettings, from: number, count: number): Promise<void> {
  const sink = await createAuditSink(settings);
  try {
    for (let i = from; i < from + count; i++) await sink.write(sampleEvent(i));
  } finally {
    await sink.close();
  }
}

/** `ispw-mcp audit verify <args>` of the built CLI: exit code and output. */
export function verifyCli(...args: string[]): { code: number | null; out: string } {
  assertBuilt();
  const run = spawnSync(process.execPath, [MAIN, 'audit', 'verify', ...args], { encoding: 'utf8', timeout: 15_000 });
  return { code: run.status, out: run.stdout + run.stderr };
}
