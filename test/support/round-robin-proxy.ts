// A round-robin HTTP proxy on loopback, as a load balancer without session affinity: each request
// goes to the next backend in turn. It records which backend served each MCP request (by its
// `Mcp-Method` header), so a test can prove the rounds of one call landed on different replicas.
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedRequest {
  backend: number;
  method: string | undefined;
  /** The JSON-RPC body, for telling rounds apart (requestState present or not). */
  body: string;
}

export interface RoundRobinProxy {
  url: string;
  readonly served: ServedRequest[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served: ServedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const backend = next;
      next = (next + 1) % backends.length;
      const body = Buffer.concat(chunks);
      served.push({ backend, method: req.headers['mcp-method'] as string | undefined, body: body.toString('utf8') });
      const target = new URL(req.url ?? '/', backends[backend]);
      const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
