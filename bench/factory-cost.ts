// Micro-measurement of the per-request work the stateless HTTP paths repeat: build the McpServer
// from the factory, then do what the SDK does for one tools/call (input schema JSON for the
// Mcp-Param header scan, output schema JSON for the result codec) and one tools/list conversion.
// Compares registering plain zod schemas (before) with pre-converted advertised schemas (now).
// CPU time from process.cpuUsage, so other load on the machine matters less than wall time.
//   npx tsx bench/factory-cost.ts [iterations]
import { McpServer } from '@modelcontextprotocol/server';

import type { CesDirectory } from '../src/ces/api.js';
import { annotationsFor } from '../src/mcp/annotations.js';
import { createServerFactory } from '../src/mcp/server.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { advertised } from '../src/mcp/kit/advertised-schema.js';
import { sridParam } from '../src/mcp/kit/params.js';
import { ALL_TOOLS } from '../src/tools/index.js';

const iterations = Number(process.argv[2] ?? 300);
const noop = async () => ({ content: [] });
const plain = ALL_TOOLS.map((t) => ({
  name: t.name,
  config: {
    title: t.title,
    description: t.description,
    inputSchema: t.input.extend({ srid: sridParam }),
    outputSchema: t.output,
    annotations: annotationsFor(t),
  },
}));
const prepared = plain.map((r) => ({
  ...r,
  config: { ...r.config, inputSchema: advertised(r.config.inputSchema, 'input'), outputSchema: advertised(r.config.outputSchema, 'output') },
}));

type Internals = { toolInputSchemaJson(name: string): unknown; _registeredTools: Record<string, { outputSchemaJson: unknown }> };

function perRequest(registrations: typeof plain | typeof prepared, listTools: boolean) {
  const server = new McpServer({ name: 'x', version: '0' }, { capabilities: { logging: {} } });
  for (const r of registrations) server.registerTool(r.name, r.config as never, noop);
  const internals = server as unknown as Internals;
  internals.toolInputSchemaJson('ispw_get_assignment');
  void internals._registeredTools['ispw_get_assignment']!.outputSchemaJson;
  if (listTools) {
    for (const r of registrations) {
      void internals._registeredTools[r.name]!.outputSchemaJson;
      internals.toolInputSchemaJson(r.name);
    }
  }
}

function measure(label: string, fn: () => void) {
  for (let i = 0; i < 30; i++) fn(); // warm-up
  const before = process.cpuUsage();
  for (let i = 0; i < iterations; i++) fn();
  const used = process.cpuUsage(before);
  const us = (used.user + used.system) / iterations;
  console.log(`${label.padEnd(58)} ${us.toFixed(0).padStart(6)} µs CPU per request`);
  return us;
}

const a = measure('before: zod schemas, factory + one tools/call', () => perRequest(plain, false));
const b = measure('now: advertised schemas, factory + one tools/call', () => perRequest(prepared, false));
const c = measure('before: zod schemas, factory + tools/list conversions', () => perRequest(plain, true));
const d = measure('now: advertised schemas, factory + tools/list conversions', () => perRequest(prepared, true));
console.log(`tools/call request: ${(a / b).toFixed(1)}× less CPU; tools/list request: ${(c / d).toFixed(1)}× less`);

// Second pass: the factory builds the SDK's low-level Server over data prepared once (src/mcp/server.ts);
// tools/list returns a frozen list and tools/call needs no per-request schema work at all.
const directory = { describe: () => [] } as unknown as CesDirectory;
const factory = createServerFactory({ tools: ALL_TOOLS, directory, logger: silentLogger(), wait: { pollIntervalMs: 1000, maxWaitSeconds: 1 } });
const e = measure('low-level Server factory (serves tools/call and tools/list)', () => void factory());
console.log(`vs McpServer with advertised schemas: tools/call request ${(b / e).toFixed(1)}× less CPU; tools/list request ${(d / e).toFixed(1)}× less`);
