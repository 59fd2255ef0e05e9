// A non-atomic rotation of the mTLS client certificate and key files (each file re-read on its own):
// while the new certificate is paired with the old key, calls keep using the last good material,
// with one warning that holds no PEM; once the key follows, the new pair is taken into use.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createCesClient } from '../../src/ces/client.js';
import { ops } from '../../src/ces/operations.js';
import { fileSource, type FileSource } from '../../src/shared/file-source.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { createTestPki, type TestPki } from '../support/certs.js';

let pki: TestPki;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  pki = await createTestPki();
});

afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** An mTLS server that records the fingerprint of the client certificate of every request. */
async function mtlsServer() {
  const seen: string[] = [];
  const server: Server = createServer(
    { cert: pki.server.cert, key: pki.server.key, requestCert: true, rejectUnauthorized: true, ca: pki.ca.cert },
    (req, res) => {
      seen.push((req.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? 'none');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ setid: 'S1', state: 'Closed' }));
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, seen };
}

describe('client certificate rotation', () => {
  it('keeps the last good pair while the certificate and key files disagree, then uses the new pair', async () => {
    const { port, seen } = await mtlsServer();
    const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-tls-rotation-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    // Written beside and renamed into place, as Vault Agent does: a new inode each time.
    const put = (name: string, content: string) => {
      writeFileSync(join(dir, `.${name}.tmp`), content);
      renameSync(join(dir, `.${name}.tmp`), join(dir, name));
    };
    put('tls.crt', pki.client.cert);
    put('tls.key', pki.client.key);
    // checkEveryMs 0 and no watch: every request re-reads both files, so the test decides exactly
    // which half of the rotation each request sees.
    const source = (name: string): FileSource => {
      const s = fileSource(join(dir, name), { trim: false, watch: false, checkEveryMs: 0 });
      cleanup.push(() => s.close());
      return s;
    };
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const client = createCesClient({
      name: 'rot',
      url: `https://localhost:${port}`,
      token: () => 'rotation-token-0001',
      timeoutMs: 3_000,
      retries: 0,
      logger,
      tls: { caPem: pki.ca.cert, clientCertPem: source('tls.crt'), clientKeyPem: source('tls.key') },
    });
    cleanup.push(() => client.close());
    const getSet = () => client.call('ISPW', ops.getSet, { path: { setId: 'S1' } });

    expect((await getSet()).state).toBe('Closed');
    expect(seen).toEqual([fingerprint(pki.client.cert)]);

    // Half-way: the new certificate is in place, the key is still the old one.
    put('tls.crt', pki.client2.cert);
    for (let i = 0; i < 3; i++) expect((await getSet()).state).toBe('Closed');
    expect(seen.slice(1)).toEqual(Array(3).fill(fingerprint(pki.client.cert)));
    // One warning for the broken rotation, however many requests saw it, and no PEM in it.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/keeping the last good material/);
    expect(lines[0]).toContain('rot');
    for (const secret of [pki.client.key, pki.client2.cert, pki.client.cert]) {
      expect(lines[0]).not.toContain(secret.split('\n')[1]!);
    }

    // The key follows: the new pair is used for the next request.
    put('tls.key', pki.client2.key);
    expect((await getSet()).state).toBe('Closed');
    expect(seen.at(-1)).toBe(fingerprint(pki.client2.cert));
    expect(lines).toHaveLength(1);
  });

  it('still fails when the first material cannot be loaded (no last good pair to keep)', async () => {
    const { port, seen } = await mtlsServer();
    const client = createCesClient({
      name: 'rot',
      url: `https://localhost:${port}`,
      token: () => 'rotation-token-0001',
      timeoutMs: 3_000,
      retries: 0,
      tls: { caPem: pki.ca.cert, clientCertPem: pki.client2.cert, clientKeyPem: pki.client.key },
    });
    cleanup.push(() => client.close());
    await expect(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } })).rejects.toMatchObject({
      code: 'ces_unavailable',
      message: expect.stringMatching(/cannot be loaded/),
    });
    expect(seen).toEqual([]);
  });
});
