// Traces from the built server, received as real OTLP/HTTP (JSON) exports by a small receiver on
// loopback: the span tree tools/call (SERVER) → execute_tool (INTERNAL) → CES request (CLIENT),
// MCP semantic-convention attributes, W3C `traceparent` on the request that reached the simulator,
// incoming context honoured from `_meta` (2026 era) and from the HTTP header, and no secret anywhere.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'trace-canary-6f1d2b9a-77c3-4e0b';
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}
const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };

let sim: RunningSimulator;
let server: ServerProcess;
let receiver: Server;
const bodies: string[] = [];
const spans: OtlpSpan[] = [];
const resources: unknown[] = [];

const attrs = (span: OtlpSpan) => Object.fromEntries((span.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]])) as Record<string, unknown>;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies.push(`${req.url} ${req.headers['content-type']} ${body}`);
      const parsed = JSON.parse(body) as { resourceSpans: { resource: unknown; scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of parsed.resourceSpans) {
        resources.push(rs.resource);
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
  server = await startServerProcess(
    ['serve', '--transport', 'http', '--port', '0'],
    serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: TOKEN,
      ISPW_MCP_LOG_LEVEL: 'debug',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
    }),
  );
});
afterAll(async () => {
  await server?.stop();
  await sim?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function until<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}; spans: ${spans.map((s) => s.name).join(', ')}`);
}

async function connect(headers?: Record<string, string>) {
  const client = new Client({ name: 'trace-test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), headers ? { requestInit: { headers } } : {}));
  return client;
}

describe('tracing', () => {
  it('exports the span tree of a tool call with MCP attributes and sends traceparent to CES', async () => {
    const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const client = await connect();
    try {
      const result = await client.callTool({
        name: 'ispw_get_assignment',
        arguments: { assignment_id: DEMO.assignmentId },
        _meta: { traceparent: `00-${parentTrace}-00f067aa0ba902b7-01` },
      });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const call = await until(() => spans.find((s) => s.name === 'tools/call ispw_get_assignment' && s.traceId === parentTrace), 'the tools/call span');
    // Incoming context from `_meta`: the server span continues the caller's trace.
    expect(call.parentSpanId).toBe('00f067aa0ba902b7');
    expect(call.kind).toBe(SPAN_KIND.SERVER);
    expect(attrs(call)).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'ispw_get_assignment',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2026-07-28',
      'network.transport': 'tcp',
    });
    expect(attrs(call)['jsonrpc.request.id']).toBeDefined();
    const tool = await until(() => spans.find((s) => s.parentSpanId === call.spanId), 'the tool span');
    expect(tool).toMatchObject({ name: 'execute_tool ispw_get_assignment', kind: SPAN_KIND.INTERNAL, traceId: parentTrace });
    expect(attrs(tool)).toMatchObject({ 'ispw.ces.instance': 'default', 'ispw.srid': DEMO.srid, 'ispw.tool.kind': 'read' });
    const ces = await until(() => spans.find((s) => s.parentSpanId === tool.spanId), 'the CES client span');
    expect(ces).toMatchObject({ name: 'GET /ispw/{srid}/assignments/{assignmentId}', kind: SPAN_KIND.CLIENT, traceId: parentTrace });
    expect(attrs(ces)).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.template': '/ispw/{srid}/assignments/{assignmentId}',
      'server.address': '127.0.0.1',
      'ispw.ces.operation': 'assignment.get',
    });
    // W3C trace context reached CES, naming the client span.
    const request = sim.requests.find((r) => r.path.endsWith(`/assignments/${DEMO.assignmentId}`));
    expect(request?.headers.traceparent).toBe(`00-${parentTrace}-${ces.spanId}-01`);
    expect(resources.map((r) => JSON.stringify(r)).join()).toContain('deployment.environment.name');
    // Log lines of the call carry the trace and span ids. The server logs asynchronously (pino with
    // sync: false): the line may reach its stderr after the reply, so wait for it (whole lines only).
    const logged = () =>
      server
        .stderr()
        .split('\n')
        .slice(0, -1)
        .filter((l) => l.includes('"tool call succeeded"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await until(() => (logged().length > 0 ? true : undefined), 'the "tool call succeeded" log line');
    expect(logged().some((l) => l.traceId === parentTrace && l.spanId === tool.spanId && l.mcpMethod === 'tools/call')).toBe(true);
  });

  it('honours an incoming HTTP traceparent header and marks a failed CES call', async () => {
    const headerTrace = '0af7651916cd43dd8448eb211c80319c';
    const client = await connect({ traceparent: `00-${headerTrace}-b7ad6b7169203331-01` });
    try {
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: 'PLAY999999' } });
      expect(result.isError).toBe(true);
    } finally {
      await client.close();
    }
    const call = await until(() => spans.find((s) => s.traceId === headerTrace && s.name.startsWith('tools/call')), 'the header-parented span');
    expect(call.parentSpanId).toBe('b7ad6b7169203331');
    expect(attrs(call)['error.type']).toBe('ces_not_found');
    expect(call.status?.code).toBe(2);
    const ces = await until(() => spans.find((s) => s.traceId === headerTrace && s.kind === SPAN_KIND.CLIENT), 'the failed CES span');
    expect(attrs(ces)).toMatchObject({ 'http.response.status_code': 404, 'error.type': '404' });
  });

  it('puts no secret into any export', async () => {
    await until(() => (bodies.length > 0 ? true : undefined), 'an export');
    expect(bodies.every((b) => b.startsWith('/v1/traces application/json'))).toBe(true);
    for (const body of bodies) {
      expect(body).not.toContain(TOKEN);
      expect(body.toLowerCase()).not.toContain('authorization');
    }
  });
});
