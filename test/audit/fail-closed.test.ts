// An audit sink that cannot write (here /dev/full: every write fails with ENOSPC) fails closed by
// default: write tools are refused before anything reaches CES, read tools go on, and the failure
// is counted. With failMode "open" the write goes ahead.
import { existsSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { textOf } from '../support/harness.js';
import { startAuditedServer, type AuditedServer } from '../support/audited-server.js';

const args = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };
let server: AuditedServer | undefined;
afterEach(async () => {
  await server?.close().catch(() => undefined);
  server = undefined;
});

describe.skipIf(!existsSync('/dev/full'))('audit sink failure', () => {
  it('refuses write tools when the attempt cannot be recorded (fail closed)', async () => {
    const metrics = new Metrics();
    server = await startAuditedServer({ file: '/dev/full', metrics });
    const result = await server.call('ispw_generate', args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/audit trail cannot be written/);
    expect(server.sim.requests.filter((r) => r.method === 'POST')).toEqual([]);
    const read = await server.call('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
    expect(read.isError).toBeFalsy();
    const text = await metrics.render();
    expect(text).toMatch(/ispw_mcp_audit_write_failures_total\{type="write.attempt"\} 1/);
    expect(text).toMatch(
      /mcp_server_operation_duration_seconds_count\{mcp_method_name="tools\/call",gen_ai_tool_name="ispw_generate",error_type="audit_unavailable"\} 1/,
    );
  });

  it('lets write tools through with failMode open, and says the outcome was not recorded', async () => {
    server = await startAuditedServer({ file: '/dev/full', failMode: 'open' });
    const result = await server.call('ispw_generate', args);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(server.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(textOf(result)).toMatch(/audit record of this outcome could not be written/);
  });
});
