// The HTTP listener's certificate, key and client CA follow their mounted files (src/transports/
// listener-tls.ts), tested with real TLS under load: the files sit in a directory laid out as the
// kubelet mounts a Secret (atomic `..data` swap), four callers keep making MCP calls on fresh
// connections (a handshake each) while the material rotates, and every call must succeed. New
// connections get the new certificate; a half-finished rotation (new certificate, old key) keeps the
// last good one with a warning; a rotated client CA decides which client certificates are accepted.
import { request, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { createTestPki, type PemPair, type TestPki } from '../support/certs.js';
import { kubeSecret, type KubeSecret } from '../support/kube-secret.js';
import { CES_TOKEN, startListener, type TestListener } from './support.js';

const MODERN = '2026-07-28';
const CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: 'ispw_get_assignment',
    arguments: { assignment_id: DEMO.assignmentId },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientInfo': { name: 't', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});
const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json',
  'mcp-protocol-version': MODERN,
  'mcp-method': 'tools/call',
  'mcp-name': 'ispw_get_assignment',
};

let sim: RunningSimulator;
let one: TestPki;
let two: TestPki;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  [sim, one, two] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), createTestPki(), createTestPki()]);
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await sim?.close();
});

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

interface Answer {
  status: number;
  /** SHA-256 fingerprint of the certificate the listener presented. */
  presented: string;
}

/** One MCP call on a fresh TLS connection (its own handshake); rejects on any failure. */
function call(url: string, trust: string[], client?: PemPair): Promise<Answer> {
  const u = new URL(url);
  const options: RequestOptions = {
    host: '127.0.0.1',
    port: u.port,
    path: '/mcp',
    method: 'POST',
    agent: false,
    ca: trust,
    servername: 'localhost',
    headers: HEADERS,
    ...(client ?? {}),
  };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const presented = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, presented }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(CALL);
  });
}

/** Four callers calling in a loop until stopped; every answer must be a 200. */
function load(url: string, trust: string[], client?: PemPair) {
  const seen: Answer[] = [];
  const failures: string[] = [];
  let running = true;
  const loops = Array.from({ length: 4 }, async () => {
    while (running) {
      try {
        const answer = await call(url, trust, client);
        if (answer.status !== 200) failures.push(`status ${answer.status}`);
        seen.push(answer);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  return {
    seen,
    failures,
    /** Waits (event-driven, bounded by calls) until a call was answered with this certificate. */
    async until(certificatePem: string, maxCalls = 2_000) {
      const wanted = fingerprint(certificatePem);
      const from = seen.length;
      while (!seen.slice(from).some((a) => a.presented === wanted)) {
        if (seen.length - from > maxCalls || failures.length > 0)
          throw new Error(`not presented after ${seen.length - from} calls; failures: ${failures.join('; ')}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function tlsListener(secret: KubeSecret, mutual: boolean): Promise<TestListener> {
  const listener = await startListener(sim, {
    ISPW_MCP_HTTP_SESSIONS: 'stateless',
    ISPW_MCP_HTTP_TLS_CERT_FILE: secret.path('tls.crt'),
    ISPW_MCP_HTTP_TLS_KEY_FILE: secret.path('tls.key'),
    ...(mutual ? { ISPW_MCP_HTTP_CLIENT_CA_FILE: secret.path('ca.crt') } : {}),
  });
  cleanup.push(() => listener.close());
  return listener;
}

describe('listener certificate rotation', () => {
  it('serves the rotated certificate to new connections under load, without a failed call', async () => {
    const secret = kubeSecret({ 'tls.crt': one.server.cert, 'tls.key': one.server.key });
    cleanup.push(() => secret.remove());
    const listener = await tlsListener(secret, false);
    const trust = [one.ca.cert, two.ca.cert, one.otherCa.cert];
    const traffic = load(listener.server.url, trust);
    await traffic.until(one.server.cert);

    secret.update({ 'tls.crt': two.server.cert, 'tls.key': two.server.key });
    await traffic.until(two.server.cert);
    await listener.logged((l) => l.msg === 'listener TLS material rotated; new connections use it');

    // Half-rotated: a new certificate next to the old key. The last good pair stays in use.
    secret.update({ 'tls.crt': one.otherCaServer.cert, 'tls.key': two.server.key });
    const warned = await listener.logged((l) => l.msg.startsWith('new listener TLS material cannot be used'));
    expect(warned.level).toBe('warn');
    expect(JSON.stringify(warned)).not.toContain('PRIVATE KEY');
    await traffic.until(two.server.cert);
    // The key follows: the new pair is taken.
    secret.update({ 'tls.crt': one.otherCaServer.cert, 'tls.key': one.otherCaServer.key });
    await traffic.until(one.otherCaServer.cert);

    await traffic.stop();
    expect(traffic.failures).toEqual([]);
    expect(traffic.seen.length).toBeGreaterThan(20);
  });

  it('follows a rotated client CA: certificates of the old CA are refused, the new CA accepted', async () => {
    const secret = kubeSecret({ 'tls.crt': one.server.cert, 'tls.key': one.server.key, 'ca.crt': one.ca.cert });
    cleanup.push(() => secret.remove());
    const listener = await tlsListener(secret, true);
    const trust = [one.ca.cert];
    expect((await call(listener.server.url, trust, one.client)).status).toBe(200);
    await expect(call(listener.server.url, trust, one.untrustedClient)).rejects.toThrow();

    const traffic = load(listener.server.url, trust, one.client);
    await traffic.until(one.server.cert);
    await traffic.stop();
    expect(traffic.failures).toEqual([]);

    secret.update({ 'tls.crt': one.server.cert, 'tls.key': one.server.key, 'ca.crt': one.otherCa.cert });
    await listener.logged((l) => l.msg === 'listener TLS material rotated; new connections use it');
    expect((await call(listener.server.url, trust, one.untrustedClient)).status).toBe(200);
    await expect(call(listener.server.url, trust, one.client)).rejects.toThrow();
  });
});
