// TLS to CES with certificates made in the test: trusted CA, each way verification can fail (with a
// message naming the cause), server name override, mutual TLS, key passphrase, CA rotation, proxy.
import { connect as netConnect } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerOptions } from 'node:https';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type CesClientOptions, createCesClient } from '../../src/ces/client.js';
import { ops } from '../../src/ces/operations.js';
import { createTestPki, encryptKey, type PemPair, type TestPki } from '../support/certs.js';
import { json, startFakeCes } from './fake-ces.js';
import { failure } from '../support/ces-failure.js';

const TOKEN = 'tls-test-token-0001';
let pki: TestPki;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  pki = await createTestPki();
});

afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function server(pair: PemPair, extra: ServerOptions = {}) {
  const ces = await startFakeCes((_req, res) => json(res, 200, { setid: 'S1', state: 'Closed' }), { cert: pair.cert, key: pair.key, ...extra });
  cleanup.push(() => ces.close());
  return ces;
}

function client(url: string, options: Partial<CesClientOptions> = {}) {
  const c = createCesClient({ name: 'tls', url, token: () => TOKEN, timeoutMs: 3_000, retries: 0, ...options });
  cleanup.push(() => c.close());
  return c;
}

const getSet = (c: ReturnType<typeof client>) => c.call('ISPW', ops.getSet, { path: { setId: 'S1' } });

describe('server certificate verification', () => {
  it('works with the CA bundle added to the system roots, and with replace mode', async () => {
    const ces = await server(pki.server);
    expect((await getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert } }))).state).toBe('Closed');
    expect((await getSet(client(`https://127.0.0.1:${ces.port}`, { tls: { caPem: pki.ca.cert, caMode: 'replace' } }))).state).toBe('Closed');
  });

  it('fails for a certificate from an unknown CA', async () => {
    const ces = await server(pki.otherCaServer);
    const error = await failure(getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert } })));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/unknown certificate authority/);
    // Without any CA bundle only the public roots apply.
    const plain = await failure(getSet(client(`https://localhost:${ces.port}`)));
    expect(plain.message).toMatch(/unknown certificate authority/);
  });

  it('fails for a wrong host name, and works with the servername override', async () => {
    const ces = await server(pki.wrongHostServer);
    const error = await failure(getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert } })));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/hostname mismatch/);
    expect(error.message).toContain('localhost');
    const ok = await getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert, servername: 'wrong.example.test' } }));
    expect(ok.state).toBe('Closed');
  });

  it('fails for an expired certificate', async () => {
    const ces = await server(pki.expiredServer);
    const error = await failure(getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert } })));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/expired/);
  });

  it('fails for a self-signed certificate that is not trusted, even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const ces = await server(pki.selfSignedServer);
    const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const error = await failure(getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert } })));
      expect(error.code).toBe('ces_unavailable');
      expect(error.message).toMatch(/self-signed/);
    } finally {
      if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
    }
    // Trusting that very certificate makes it work.
    expect((await getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.selfSignedServer.cert } }))).state).toBe('Closed');
  });

  it('fails clearly when the port speaks plain HTTP', async () => {
    const ces = await startFakeCes((_req, res) => json(res, 200, {}));
    cleanup.push(() => ces.close());
    const error = await failure(getSet(client(`https://127.0.0.1:${ces.port}`)));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/TLS/);
  });

  it('picks up a rotated CA bundle without restart', async () => {
    const ces = await server(pki.server);
    let ca = pki.otherCa.cert;
    const c = client(`https://localhost:${ces.port}`, { tls: { caPem: () => ca } });
    expect((await failure(getSet(c))).message).toMatch(/unknown certificate authority/);
    ca = pki.ca.cert;
    expect((await getSet(c)).state).toBe('Closed');
  });
});

describe('mutual TLS', () => {
  const mtls = (): ServerOptions => ({ requestCert: true, rejectUnauthorized: true, ca: pki.ca.cert });

  it('works with a client certificate', async () => {
    const ces = await server(pki.server, mtls());
    const c = client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert, clientCertPem: pki.client.cert, clientKeyPem: pki.client.key } });
    expect((await getSet(c)).state).toBe('Closed');
  });

  it('works with an encrypted key and its passphrase', async () => {
    const ces = await server(pki.server, mtls());
    const passphrase = 'correct horse battery staple';
    const c = client(`https://localhost:${ces.port}`, {
      tls: { caPem: pki.ca.cert, clientCertPem: pki.client.cert, clientKeyPem: encryptKey(pki.client.key, passphrase), clientKeyPassphrase: () => passphrase },
    });
    expect((await getSet(c)).state).toBe('Closed');
  });

  it('reports a wrong passphrase without revealing it', async () => {
    const ces = await server(pki.server, mtls());
    const c = client(`https://localhost:${ces.port}`, {
      tls: {
        caPem: pki.ca.cert,
        clientCertPem: pki.client.cert,
        clientKeyPem: encryptKey(pki.client.key, 'right-passphrase'),
        clientKeyPassphrase: 'wrong-passphrase-canary',
      },
    });
    const error = await failure(getSet(c));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/cannot be loaded/);
    expect(JSON.stringify(error) + String(error)).not.toContain('wrong-passphrase-canary');
    expect(ces.requests).toHaveLength(0);
  });

  it('is refused without a client certificate', async () => {
    const ces = await server(pki.server, mtls());
    const error = await failure(getSet(client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert } })));
    expect(error.code).toBe('ces_unavailable');
    expect(error.message).toMatch(/client certificate/);
    expect(ces.requests).toHaveLength(0);
  });
});

describe('proxy', () => {
  async function connectProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
    const tunnels: string[] = [];
    const proxy: Server = createHttpServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    proxy.on('connect', (req, socket, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host === 'localhost' ? '127.0.0.1' : (host ?? ''), () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      tunnels,
      close: () =>
        new Promise<void>((resolve) => {
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    };
  }

  it('tunnels through HTTPS_PROXY with end-to-end TLS verification, and honours NO_PROXY', async () => {
    const ces = await server(pki.server);
    const proxy = await connectProxy();
    cleanup.push(() => proxy.close());
    const viaProxy = client(`https://localhost:${ces.port}`, { tls: { caPem: pki.ca.cert }, proxy: { httpsProxy: proxy.url } });
    expect((await getSet(viaProxy)).state).toBe('Closed');
    expect(proxy.tunnels).toEqual([`localhost:${ces.port}`]);

    const bypass = client(`https://localhost:${ces.port}`, {
      tls: { caPem: pki.ca.cert },
      proxy: { httpsProxy: proxy.url, noProxy: 'example.com, localhost' },
    });
    expect((await getSet(bypass)).state).toBe('Closed');
    expect(proxy.tunnels).toHaveLength(1);

    // Verification still applies to the tunnelled connection.
    const untrusted = client(`https://localhost:${ces.port}`, { proxy: { httpsProxy: proxy.url } });
    expect((await failure(getSet(untrusted))).message).toMatch(/unknown certificate authority/);
  });
});
