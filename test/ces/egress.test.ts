// Egress allowlist: the process connects to the configured CES origin and nowhere else. A crafted
// CES reply (`url` fields, a redirect) and hostile tool arguments point at a second listener that
// records every TCP connection; it must record none. The transport's own guard is proven directly.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createCesDirectory } from '../../src/ces/directory.js';
import { CesError } from '../../src/ces/errors.js';
import { createCesTransport } from '../../src/ces/transport.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { json, startFakeCes, type FakeCes } from './fake-ces.js';

const TOKEN = 'egress-test-token-5d2c';
const SRID = 'CW09-47623';

/** A listener that only counts connections: any connection at all is a failure of the allowlist. */
async function trap(): Promise<{ url: string; host: string; connections: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.push(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let elsewhere: Awaited<ReturnType<typeof trap>>;
let ces: FakeCes;
let client: Client;
let closeAll: () => Promise<void>;

beforeAll(async () => {
  elsewhere = await trap();
  const evil = `${elsewhere.url}/ispw/${SRID}`;
  ces = await startFakeCes((req, res): void => {
    if (req.method === 'POST' && /\/generate/.test(req.url)) {
      return json(res, 200, { setId: 'S000123', message: 'Generate started', url: `${evil}/sets/S000123` });
    }
    if (req.method === 'GET' && /\/sets\/S000123/.test(req.url)) {
      return json(res, 200, { setid: 'S000123', state: 'Closed', url: `${evil}/sets/S000123`, message: `see ${evil}` });
    }
    if (req.method === 'GET' && /\/assignments\/REDIR/.test(req.url)) {
      res.writeHead(302, { location: `${evil}/assignments/REDIR` });
      res.end();
      return;
    }
    return json(res, 404, { message: `Not found; try ${evil}` });
  });
  const directory = createCesDirectory(
    { instances: [{ name: 'ces', url: ces.url, srids: [SRID], token: () => TOKEN, timeoutMs: 3000, retries: 1, retryBaseDelayMs: 1 }] },
    { logger: silentLogger() },
  );
  const server = createServerFactory({ tools: ALL_TOOLS, directory, logger: silentLogger(), wait: { pollIntervalMs: 10, maxWaitSeconds: 5 } })();
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  client = new Client({ name: 'egress-test', version: '1.0.0' });
  await client.connect(clientSide);
  closeAll = async () => {
    await client.close();
    await server.close();
    await directory.close();
    await ces.close();
    await elsewhere.close();
  };
});
afterAll(() => closeAll());

const call = async (name: string, args: Record<string, unknown>) => await client.callTool({ name, arguments: args });

describe('egress allowlist', () => {
  it('never follows a url from a CES reply, while waiting for a set or otherwise', async () => {
    const result = await call('ispw_generate', { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', wait_seconds: 2 });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    // The set was polled at the configured CES, built from the base URL and the set id.
    expect(ces.requests.some((r) => r.method === 'GET' && r.url.startsWith(`/ispw/${SRID}/sets/S000123`))).toBe(true);
    expect(elsewhere.connections).toBe(0);
  });

  it('does not follow a redirect to another host', async () => {
    const result = await call('ispw_get_assignment', { assignment_id: 'REDIR' });
    expect(result.isError).toBe(true);
    expect(elsewhere.connections).toBe(0);
  });

  it('cannot be pointed elsewhere by tool arguments', async () => {
    const hostile = [`//${elsewhere.host}`, `${elsewhere.url}/x`, `@${elsewhere.host}`, `..%2F..%2F${elsewhere.host}`, elsewhere.host];
    for (const value of hostile) {
      const results = [
        await call('ispw_get_assignment', { assignment_id: value }),
        await call('ispw_get_assignment', { assignment_id: 'PLAY000313', srid: value }),
        await call('ispw_get_set', { set_id: value }),
        await call('ispw_list_assignments', { assignment_id: value, application: value }),
      ];
      for (const r of results) expect(r.isError, `${value}: ${JSON.stringify(r.content)}`).toBe(true);
    }
    // Whatever reached CES stayed on the CES origin: no absolute URL in any request target.
    expect(ces.requests.every((r) => r.url.startsWith('/ispw/'))).toBe(true);
    expect(elsewhere.connections).toBe(0);
  });

  it('the transport refuses any origin but the configured one before a socket opens', async () => {
    const transport = createCesTransport({ name: 'ces', allowedOrigins: [ces.url], connectTimeoutMs: 1000, headersTimeoutMs: 1000, bodyTimeoutMs: 1000 });
    try {
      const error = await transport
        .dispatcher()
        .request({ origin: elsewhere.url, path: '/', method: 'GET' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(CesError);
      expect((error as Error).message).toMatch(/egress allowlist/);
      // The configured origin still works through the same dispatcher.
      const ok = await transport.dispatcher().request({ origin: ces.url, path: `/ispw/${SRID}/sets/S000123`, method: 'GET' });
      expect(ok.statusCode).toBe(200);
      await ok.body.dump();
    } finally {
      await transport.close();
    }
    expect(elsewhere.connections).toBe(0);
  });
});
