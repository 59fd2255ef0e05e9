// `ispw_mcp_certificate_expiry_timestamp_seconds{kind, ces_instance}` over a real server process: the
// CES client certificate, the CES CA bundle (its earliest certificate), the listener certificate and
// the listener's client CA, read from the configured (Kubernetes-style) files; a rotated file shows
// its new expiry at the next scrape, and a file without a certificate has no series.
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { earliestNotAfter } from '../../src/telemetry/certificate-expiry.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { kubeSecret, type KubeSecret } from '../support/kube-secret.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { parsePrometheus } from './prometheus-text.js';

const DAY = 86_400_000;
const TOKEN = 'cert-expiry-2c9e41a7-0b5d';
const seconds = (pem: string) => Math.floor(new X509Certificate(pem).validToDate.getTime() / 1000);

let pki: TestPki;
let sim: RunningSimulator;
let ces: KubeSecret;
let listener: KubeSecret;

beforeAll(async () => {
  const now = Date.now();
  pki = await createTestPki({
    notAfter: {
      ca: new Date(now + 40 * DAY),
      otherCa: new Date(now + 35 * DAY),
      server: new Date(now + 25 * DAY),
      client: new Date(now + 20 * DAY),
      client2: new Date(now + 10 * DAY),
    },
  });
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0, tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert, requireClientCert: true } });
  ces = kubeSecret({ token: TOKEN, 'ca.crt': `${pki.ca.cert}${pki.otherCa.cert}`, 'tls.crt': pki.client.cert, 'tls.key': pki.client.key });
  listener = kubeSecret({ 'tls.crt': pki.server.cert, 'tls.key': pki.server.key, 'ca.crt': pki.ca.cert });
});
afterAll(async () => {
  await sim?.close();
  ces?.remove();
  listener?.remove();
});

async function scrape(server: ServerProcess): Promise<Map<string, number>> {
  const url = /"url":"(http:\/\/[^"]+\/metrics)"/.exec(server.stderr())![1]!;
  const { samples } = parsePrometheus(await (await fetch(url)).text());
  return new Map(
    samples.filter((s) => s.name === 'ispw_mcp_certificate_expiry_timestamp_seconds').map((s) => [`${s.labels.kind}/${s.labels.ces_instance}`, s.value]),
  );
}

describe('certificate expiry metric', () => {
  it('reports every configured certificate, follows a rotation, and drops a file without one', async () => {
    const config = join(ces.dir, 'ispw-mcp.yaml');
    writeFileSync(
      config,
      [
        'ces:',
        '  instances:',
        '    - name: main',
        `      url: ${sim.url.replace('127.0.0.1', 'localhost')}`,
        `      srids: [${sim.srids[0]}]`,
        `      tokenFile: ${ces.path('token')}`,
        `      caFile: ${ces.path('ca.crt')}`,
        `      clientCertFile: ${ces.path('tls.crt')}`,
        `      clientKeyFile: ${ces.path('tls.key')}`,
      ].join('\n'),
    );
    const server = await startServerProcess(
      ['serve', '--transport', 'http', '--port', '0', '--metrics-port', '0'],
      serverEnv({
        ISPW_MCP_CONFIG: config,
        ISPW_MCP_HTTP_TLS_CERT_FILE: listener.path('tls.crt'),
        ISPW_MCP_HTTP_TLS_KEY_FILE: listener.path('tls.key'),
        ISPW_MCP_HTTP_CLIENT_CA_FILE: listener.path('ca.crt'),
      }),
    );
    try {
      expect(Object.fromEntries(await scrape(server))).toEqual({
        'ces_client/main': seconds(pki.client.cert),
        'ces_ca/main': seconds(pki.otherCa.cert), // the earlier of the two CAs in the bundle
        'listener/listener': seconds(pki.server.cert),
        'listener_client_ca/listener': seconds(pki.ca.cert),
      });
      expect(seconds(pki.otherCa.cert)).toBeLessThan(seconds(pki.ca.cert));

      // The client certificate is rotated (a Kubernetes secret swap): the next scrape shows it.
      ces.update({ token: TOKEN, 'ca.crt': `${pki.ca.cert}${pki.otherCa.cert}`, 'tls.crt': pki.client2.cert, 'tls.key': pki.client2.key });
      expect((await scrape(server)).get('ces_client/main')).toBe(seconds(pki.client2.cert));

      // A CA file that holds no certificate any more: its series goes, the others stay.
      ces.update({ token: TOKEN, 'ca.crt': 'not a certificate\n', 'tls.crt': pki.client2.cert, 'tls.key': pki.client2.key });
      const after = await scrape(server);
      expect(after.has('ces_ca/main')).toBe(false);
      expect(after.get('listener/listener')).toBe(seconds(pki.server.cert));
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('earliestNotAfter: the earliest of a bundle, skipping a damaged block', () => {
    const damaged = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(earliestNotAfter(`${pki.ca.cert}${damaged}${pki.client2.cert}`)).toBe(new X509Certificate(pki.client2.cert).validToDate.getTime());
    expect(earliestNotAfter(damaged)).toBeUndefined();
    expect(earliestNotAfter('')).toBeUndefined();
  });
});
