// The comparator: a minimal MCP server written the way the SDK v2 documentation shows it —
// `createMcpHandler` (a fresh McpServer per request) on node:http, or `serveStdio` — with one tool
// doing the same CES call as ispw_get_assignment (GET /ispw/{srid}/assignments/{id}).
// Usage: node --import tsx bench/reference-server.ts <http|stdio>; env CES_URL, CES_TOKEN, CES_SRID.
import http from 'node:http';

import { localhostHostValidation, localhostOriginValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const CES_URL = process.env.CES_URL ?? 'http://127.0.0.1:48080';
const CES_TOKEN = process.env.CES_TOKEN ?? '';
const CES_SRID = process.env.CES_SRID ?? 'CW09-47623';
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const getJson = (url: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    http
      .get(url, { agent, headers: { authorization: CES_TOKEN, accept: 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });

function buildServer(): McpServer {
  const server = new McpServer({ name: 'sdk-reference', version: '0.0.1' }, { capabilities: { logging: {} } });
  server.registerTool(
    'get_assignment',
    {
      description: 'Show one Code Pipeline assignment',
      inputSchema: z.object({
        assignment_id: z
          .string()
          .regex(/^[A-Za-z0-9@#$]{1,16}$/)
          .describe('assignment id'),
      }),
    },
    async ({ assignment_id }) => {
      const reply = await getJson(`${CES_URL}/ispw/${encodeURIComponent(CES_SRID)}/assignments/${encodeURIComponent(assignment_id)}`);
      if (reply.status !== 200) return { content: [{ type: 'text', text: `CES HTTP ${reply.status}` }], isError: true };
      const info = JSON.parse(reply.body) as Record<string, unknown>;
      return { content: [{ type: 'text', text: JSON.stringify(info) }] };
    },
  );
  return server;
}

const mode = process.argv[2] ?? 'http';
if (mode === 'stdio') {
  serveStdio(buildServer);
} else {
  const handler = toNodeHandler(createMcpHandler(buildServer));
  const checkHost = localhostHostValidation();
  const checkOrigin = localhostOriginValidation();
  const server = http.createServer((req, res) => {
    if (!checkHost(req, res) || !checkOrigin(req, res)) return;
    if (!(req.url ?? '').startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    void handler(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stderr.write(`reference server listening on http://127.0.0.1:${address.port}/mcp\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
