// The per-request server factory (src/mcp/server.ts) is built on the SDK's low-level Server for
// speed. This checks that it answers exactly as an McpServer registered the straightforward way
// (the SDK's own tools/list over the same pre-converted schemas, tools/call validation, resources and prompts) does, for the same tools
// against the real CES simulator, and that a caller sees and may call only the tools its scopes allow.
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, McpServer, type Server } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { authInfoFor, LOCAL_PRINCIPAL } from '../../src/auth/principal.js';
import { annotationsFor } from '../../src/mcp/annotations.js';
import { toolCallback } from '../../src/mcp/call.js';
import { advertised } from '../../src/mcp/kit/advertised-schema.js';
import { sridParam } from '../../src/mcp/kit/params.js';
import { registerPrompts } from '../../src/mcp/prompts.js';
import { registerResources, registerToolResources } from '../../src/mcp/resources.js';
import { createServerFactory, SERVER_INSTRUCTIONS } from '../../src/mcp/server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { startHarness, type Harness } from '../support/harness.js';

async function connect(server: Server | McpServer): Promise<Client> {
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'factory-test', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

let h: Harness;
let fast: Client;
let reference: Client;
const deps = () => ({ directory: h.directory, logger: silentLogger(), wait: { pollIntervalMs: 20, maxWaitSeconds: 5 } });

beforeAll(async () => {
  h = await startHarness();
  fast = h.client;
  const mcp = new McpServer({ name: 'x', version: '0' }, { capabilities: { logging: {} }, instructions: SERVER_INSTRUCTIONS });
  for (const tool of ALL_TOOLS) {
    mcp.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: advertised(tool.input.extend({ srid: sridParam }), 'input'),
        outputSchema: advertised(tool.output, 'output'),
        annotations: annotationsFor(tool),
      },
      toolCallback(tool, deps()),
    );
  }
  registerResources(mcp, h.directory);
  registerToolResources(mcp, ALL_TOOLS, createServerFactory({ tools: ALL_TOOLS, ...deps() }).toolDispatch);
  registerPrompts(mcp);
  reference = await connect(mcp);
});
afterAll(async () => {
  await reference?.close();
  await h?.close();
});

// Error texts and results of both servers for the same request (thrown protocol errors as text).
const both = async (ask: (c: Client) => Promise<unknown>) =>
  Promise.all(
    [fast, reference].map((c) =>
      ask(c).then(
        (r) => JSON.parse(JSON.stringify(r)) as unknown,
        (e: unknown) => String(e),
      ),
    ),
  );

describe('low-level server factory', () => {
  it('lists the same tools, resources, templates and prompts, with the same capabilities', async () => {
    const [a, b] = await both((c) => c.listTools());
    expect(a).toEqual(b);
    for (const ask of [(c: Client) => c.listResources(), (c: Client) => c.listResourceTemplates(), (c: Client) => c.listPrompts()]) {
      const [x, y] = await both(ask);
      expect(x).toEqual(y);
    }
    expect(fast.getServerCapabilities()).toEqual(reference.getServerCapabilities());
    expect(fast.getInstructions()).toBe(SERVER_INSTRUCTIONS);
  });

  it('validates tool input exactly as McpServer does, and calls alike', async () => {
    const cases = [
      { name: 'ispw_get_assignment', arguments: { assignment_id: 5 } },
      { name: 'ispw_get_assignment', arguments: {} },
      { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId, srid: 'not an srid!' } },
      { name: 'ispw_list_tasks', arguments: { container_type: 'nonsense', container_id: DEMO.assignmentId } },
      { name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } },
      { name: 'ispw_get_assignment', arguments: { assignment_id: 'NOSUCH0001' } },
      { name: 'ispw_no_such_tool', arguments: {} },
    ];
    for (const request of cases) {
      const [a, b] = await both((c) => c.callTool(request));
      // One intended difference: a missing argument is named in backticks ("`assignment_id` is
      // required: …") where McpServer prefixes the path ("assignment_id: is required: …").
      const named = JSON.parse(JSON.stringify(b).replace(/(\w+): is required/g, '`$1` is required')) as unknown;
      expect(a, JSON.stringify(request)).toEqual(named);
    }
    const [invalid] = await both((c) => c.callTool(cases[0]!));
    expect(invalid).toMatchObject({
      isError: true,
      content: [{ text: expect.stringMatching(/^Input validation error: Invalid arguments for tool ispw_get_assignment: assignment_id/) }],
    });
  });

  it('reads resources and gets prompts alike, errors included', async () => {
    const asks = [
      (c: Client) => c.readResource({ uri: 'ispw://guide/lifecycle' }),
      (c: Client) => c.readResource({ uri: 'ispw://server/instances' }),
      (c: Client) => c.readResource({ uri: 'ispw://nothing/here' }),
      (c: Client) => c.getPrompt({ name: 'promote_assignment', arguments: { assignment_id: DEMO.assignmentId, level: 'DEV1' } }),
      (c: Client) => c.getPrompt({ name: 'release_status', arguments: {} }),
      (c: Client) => c.getPrompt({ name: 'no_such_prompt', arguments: {} }),
    ];
    for (const ask of asks) {
      const [a, b] = await both(ask);
      // The same intended difference as for tools: a missing prompt argument is named in backticks.
      expect(a).toEqual(typeof b === 'string' ? b.replace(/(\w+): is required/g, '`$1` is required') : b);
    }
  });

  it('shows and serves a caller only the tools its scopes allow', async () => {
    const factory = createServerFactory({ tools: ALL_TOOLS, ...deps() });
    const readOnly = authInfoFor({ ...LOCAL_PRINCIPAL, subject: 'reader', via: 'oauth', scopes: new Set(['ispw:read']) }, Math.floor(Date.now() / 1000) + 60);
    const client = await connect(factory({ authInfo: readOnly }));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      const reads = ALL_TOOLS.filter((t) => t.kind === 'read').map((t) => t.name);
      expect(names.sort()).toEqual(reads.sort());
      expect(names.length).toBeLessThan(ALL_TOOLS.length);
      const write = ALL_TOOLS.find((t) => t.kind !== 'read')!;
      await expect(client.callTool({ name: write.name, arguments: {} })).rejects.toThrow(`Tool ${write.name} not found`);
    } finally {
      await client.close();
    }
  });
});
