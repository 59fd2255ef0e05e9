// The separate metrics listener (`--metrics-port`): `/metrics`, `/livez` and `/readyz` on their own
// port, so a stdio server can be scraped too and an HTTP server can keep metrics off its public port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from 'pino';

import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface OpsRoutes {
  metrics?: Metrics | undefined;
  readiness?: Readiness | undefined;
  logger: Logger;
}

/** Serves /metrics, /livez and /readyz; returns false when the path is not one of them. */
export function serveOpsRoute(req: IncomingMessage, res: ServerResponse, routes: OpsRoutes): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const json = (status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  if (path === '/livez') {
    // The event loop answered: the process is alive. Nothing external is consulted here.
    json(200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz' && routes.readiness) {
    routes.readiness.check().then(
      (report) => json(report.ready ? 200 : 503, report),
      (error: unknown) => {
        routes.logger.error({ err: error }, 'readiness check failed');
        json(503, { ready: false, status: 'not_ready' });
      },
    );
    return true;
  }
  if (path === '/metrics' && routes.metrics) {
    const metrics = routes.metrics;
    metrics.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      (error: unknown) => {
        routes.logger.error({ err: error }, 'metrics rendering failed');
        res.writeHead(500).end();
      },
    );
    return true;
  }
  return false;
}

export interface RunningMetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(host: string, port: number, routes: OpsRoutes): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    if (!serveOpsRoute(req, res, routes)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found', paths: ['/metrics', '/livez', '/readyz'] }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`;
  routes.logger.info({ url }, 'metrics listener ready');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
