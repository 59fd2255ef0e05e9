// The floor of any Node MCP-over-HTTP server in front of CES: a bare node:http server that, per
// POST, reads and parses the JSON body, makes the same CES GET ispw_get_assignment makes through
// an undici pool, parses the reply and answers one JSON-RPC result. No MCP, no validation, no auth,
// no metrics: what is left is the two HTTP exchanges every such server pays (bench/floor.ts).
import { createServer } from 'node:http';

import { Pool } from 'undici';

const [cesUrl = '', srid = '', token = '', assignmentId = ''] = process.argv.slice(2);
const pool = new Pool(cesUrl, { connections: 64 });
const path = `/ispw/${encodeURIComponent(srid)}/assignments/${encodeURIComponent(assignmentId)}`;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- a benchmark proxy: a failure ends the run
  req.on('end', async () => {
    const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number };
    const reply = await pool.request({ method: 'GET', path, headers: { authorization: token, accept: 'application/json' } });
    const assignment = (await reply.body.json()) as Record<string, unknown>;
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: message.id,
      result: { content: [{ type: 'text', text: String(assignment.assignmentId) }], structuredContent: assignment },
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}/mcp` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
