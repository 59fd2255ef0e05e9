// HTTPS with the simulator's `tls` option, and mutual TLS: with requireClientCert, a client
// without a certificate issued by `ca` is refused during the TLS handshake.
import https from 'node:https';

import { beforeAll, describe, expect, it } from 'vitest';

import { DEMO } from '../../simulator/index.js';
import { createTestPki } from '../support/certs.js';
import type { PemPair, TestPki } from '../support/certs.js';
import { simulator, SRID, TOKEN } from './helpers.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

function get(url: string, client?: PemPair): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${url}/ispw/${SRID}/assignments/${DEMO.assignmentId}`,
      { ca: pki.ca.cert, cert: client?.cert, key: client?.key, headers: { authorization: TOKEN }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('serves HTTPS with the given certificate', async () => {
    const sim = await simulator({ tls: { cert: pki.server.cert, key: pki.server.key } });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(sim.url);
    expect(res.status).toBe(200);
    expect(res.json.assignmentId).toBe(DEMO.assignmentId);
    expect((await get(sim.url.replace('127.0.0.1', 'localhost'))).status).toBe(200);
  });

  it('with requireClientCert accepts a client certificate issued by the CA', async () => {
    const sim = await simulator({ tls: { ...pki.server, ca: pki.ca.cert, requireClientCert: true } });
    const res = await get(sim.url, pki.client);
    expect(res.status).toBe(200);
  });

  it('with requireClientCert refuses clients without a certificate at the TLS layer', async () => {
    const sim = await simulator({ tls: { ...pki.server, ca: pki.ca.cert, requireClientCert: true } });
    await expect(get(sim.url)).rejects.toThrow();
    expect(sim.requests).toHaveLength(0);
  });

  it('with requireClientCert refuses a certificate the CA did not issue', async () => {
    const sim = await simulator({ tls: { ...pki.server, ca: pki.ca.cert, requireClientCert: true } });
    await expect(get(sim.url, pki.untrustedClient)).rejects.toThrow();
    expect(sim.requests).toHaveLength(0);
  });
});
