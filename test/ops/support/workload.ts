// A real ispw-mcp server (the built CLI, HTTP transport) in front of the CES simulator, configured as
// in production where it matters here — audit file, lifecycle policy, shared confirmation key — and a
// mixed workload over MCP: reads, CES 404/503/429, a write that waits for its set, a refused argument,
// a confirmation issued and redeemed, a forged token and a policy denial.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { CANARY_TOKEN } from '../../support/canary.js';
import { connectHttp } from '../../support/clients.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../../support/server-process.js';

export const WORKLOAD_POLICY = `version: 1
default: allow
rules:
  - name: no-prd
    match: { levels: [PRD] }
    decision: deny
    reason: production changes go through the change board
  - name: promote-dev-confirm
    match: { operations: [promote], levels: ['DEV*'] }
    decision: confirm
    reason: promotions leave the developer's hands
`;

export interface OpsServer {
  sim: RunningSimulator;
  server: ServerProcess;
  dir: string;
  auditFile: string;
  close(): Promise<void>;
}

/** Starts the simulator and a server process; `extraEnv` adds or overrides settings. */
export async function startOpsServer(name: string, extraEnv: Record<string, string> = {}): Promise<OpsServer> {
  const dir = mkdtempSync(join(tmpdir(), `issue-16-operations-${name}-`));
  writeFileSync(join(dir, 'policy.yaml'), WORKLOAD_POLICY);
  writeFileSync(join(dir, 'confirm.key'), 'c'.repeat(48), { mode: 0o600 });
  const auditFile = join(dir, 'audit.jsonl');
  const sim = await startSimulator({ tokens: [CANARY_TOKEN], stepMs: 0 });
  let server: ServerProcess;
  try {
    server = await startServerProcess(
      ['serve', '--transport', 'http', '--port', '0'],
      serverEnv({
        ISPW_MCP_CES_URL: sim.url,
        ISPW_MCP_SRID: sim.srids[0]!,
        ISPW_MCP_CES_TOKEN: CANARY_TOKEN,
        ISPW_MCP_POLL_INTERVAL_MS: '20',
        ISPW_MCP_AUDIT_FILE: auditFile,
        ISPW_MCP_POLICY_FILE: join(dir, 'policy.yaml'),
        ISPW_MCP_CONFIRM_KEY_FILE: join(dir, 'confirm.key'),
        ...extraEnv,
      }),
    );
  } catch (error) {
    await sim.close();
    throw error;
  }
  return {
    sim,
    server,
    dir,
    auditFile,
    close: async () => {
      await server.stop();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Call = (name: string, args: Record<string, unknown>) => ReturnType<Client['callTool']>;

/** The mixed workload; returns how many write calls reached CES (each writes an attempt and an outcome). */
export async function mixedWorkload(ops: OpsServer): Promise<{ writes: number }> {
  const { client } = await connectHttp(ops.server.url, '2026');
  const call: Call = (name, args) => client.callTool({ name, arguments: args });
  const ok = async (name: string, args: Record<string, unknown>) => {
    const result = await call(name, args);
    expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
    return result;
  };
  const failed = async (name: string, args: Record<string, unknown>) => expect((await call(name, args)).isError, name).toBe(true);
  try {
    await ok('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
    await failed('ispw_get_assignment', { assignment_id: 'PLAY999999' });
    ops.sim.setFaults([{ kind: 'error', status: 503, method: 'GET', count: 1 }]);
    await ok('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
    ops.sim.setFaults([{ kind: 'rateLimit', retryAfterSeconds: 0, count: 1 }]);
    await ok('ispw_list_assignments', { application: 'PLAY' });
    ops.sim.setFaults([]);
    await ok('ispw_list_sets', {});
    await ok('ispw_generate', { container_type: 'assignment', container_id: DEMO.dev2AssignmentId, level: 'DEV2', wait_seconds: 10 });
    await failed('ispw_generate', {
      container_type: 'assignment',
      container_id: DEMO.assignmentId,
      level: 'DEV1',
      task_ids: ['7E3A5D04D0C2'],
      module_name: 'X',
    });
    // A confirmation: issued, a forged token refused, then redeemed.
    const promote = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };
    const preview = await ok('ispw_promote', promote);
    const token = (preview.structuredContent as { confirmation_token: string }).confirmation_token;
    expect(token).toBeTruthy();
    await failed('ispw_promote', { ...promote, confirmation_token: `${token.slice(0, -4)}AAAA` });
    await ok('ispw_promote', { ...promote, confirmation_token: token });
    // Denied by policy: nothing reaches CES.
    await failed('ispw_deploy', { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'PRD' });
    return { writes: 2 };
  } finally {
    await client.close();
  }
}

/** The server's /metrics text. */
export async function scrape(ops: OpsServer): Promise<string> {
  const response = await fetch(new URL('/metrics', ops.server.url));
  expect(response.status).toBe(200);
  return response.text();
}
