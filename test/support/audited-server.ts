// An audited server for audit tests: the real simulator, a CES directory, the MCP server with a real
// audit trail writing to a real file, and an in-memory MCP client. Events are read back from the file.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, type CallToolResult } from '@modelcontextprotocol/server';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { AuditEvent } from '../../src/audit/schema.js';
import { createAuditSink, type AuditDurability } from '../../src/audit/sink.js';
import { createAuditTrail, type AuditFailMode } from '../../src/audit/trail.js';
import { createCesDirectory } from '../../src/ces/directory.js';
import { callGuard } from '../../src/app/call-guard.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { createIdentityResolver } from '../../src/auth/identity.js';
import { createHumanConfirmations } from '../../src/policy/human-confirmation.js';
import { createConfirmations } from '../../src/policy/confirmations.js';
import type { AccessControl } from '../../src/policy/guard.js';
import { createCesConcurrency, createRateLimiter } from '../../src/policy/limits.js';
import { parsePolicy, staticPolicy } from '../../src/policy/source.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import type { Metrics } from '../../src/telemetry/metrics.js';
import { ALL_TOOLS } from '../../src/tools/index.js';

export const AUDIT_TOKEN = 'audit-canary-5b0f3c1e-9d2a-4e77-8c61';

export interface AuditedServer {
  sim: RunningSimulator;
  file: string;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  events(): AuditEvent[];
  close(): Promise<void>;
}

export const tempDir = () => mkdtempSync(join(tmpdir(), 'ispw-mcp-audit-'));

export async function startAuditedServer(
  options: { file?: string; failMode?: AuditFailMode; durability?: AuditDurability; metrics?: Metrics; policy?: string } = {},
): Promise<AuditedServer> {
  const sim = await startSimulator({ tokens: [AUDIT_TOKEN], stepMs: 0 });
  const file = options.file ?? join(tempDir(), 'audit.jsonl');
  const directory = createCesDirectory({
    instances: [{ name: 'sim', url: sim.url, srids: sim.srids, token: () => AUDIT_TOKEN, runtimeConfig: DEMO.runtimeConfig, timeoutMs: 5000, retries: 0 }],
  });
  const sink = await createAuditSink({ file, durability: options.durability ?? 'fsync' });
  const audit = createAuditTrail(sink, { failMode: options.failMode ?? 'closed', logger: silentLogger(), metrics: options.metrics });
  const server = createServerFactory({
    tools: ALL_TOOLS,
    directory,
    logger: silentLogger(),
    wait: { pollIntervalMs: 10, maxWaitSeconds: 30 },
    audit,
    transport: 'stdio',
    ...(options.metrics ? { metrics: options.metrics } : {}),
    // A policy (YAML text): the real access-control pieces under the service identity, as serve builds them.
    ...(options.policy ? { guard: callGuard(accessFor(options.policy), { confirmable: true }) } : {}),
  })();
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'audit-test', version: '1.0.0' });
  await client.connect(clientSide);
  return {
    sim,
    file,
    call: async (name, args = {}) => await client.callTool({ name, arguments: args }),
    events: () =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditEvent),
    async close() {
      await client.close();
      await server.close();
      await audit.close();
      await directory.close();
      await sim.close();
    },
  };
}

function accessFor(policyText: string): AccessControl {
  return {
    identities: createIdentityResolver({ mode: 'service' }),
    policy: staticPolicy(parsePolicy(policyText)),
    confirmations: createConfirmations({ ttlSeconds: 60 }),
    humans: createHumanConfirmations({ ttlSeconds: 60 }),
    rateLimiter: createRateLimiter(10_000),
    concurrency: createCesConcurrency(4),
  };
}
