// Certificate authentication to CES (docs/ces-api.md §1.3, errata E5): configured from mounted files,
// sent as the cpwr_hci_host / cpwr_hci_port / javax.servlet.request.X509Certificate headers instead of
// Authorization, over real TLS to the simulator, redacted like a token, and refused where it is
// incomplete or (in prod) over http://.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { buildCesDirectory } from '../../src/app/ces-directory.js';
import { certificateHeaderValue } from '../../src/ces/certificate-auth.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { inspectConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createTestPki, type TestPki } from '../support/certs.js';

let pki: TestPki;
let sim: RunningSimulator;
let dir: string;
const TOKEN = 'cert-auth-test-token';
const read = (path: string) => readFileSync(path, 'utf8');

beforeAll(async () => {
  pki = await createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'cert-auth-'));
  writeFileSync(join(dir, 'ca.pem'), pki.ca.cert);
  writeFileSync(join(dir, 'client.pem'), pki.client.cert);
  writeFileSync(join(dir, 'client.key'), pki.client.key, { mode: 0o600 });
  writeFileSync(join(dir, 'other.pem'), pki.client2.cert);
  writeFileSync(join(dir, 'other.key'), pki.client2.key, { mode: 0o600 });
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0, tls: { cert: pki.server.cert, key: pki.server.key }, certificates: [pki.client.cert] });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  ISPW_MCP_CES_URL: sim.url,
  ISPW_MCP_SRID: DEMO.srid,
  ISPW_MCP_CES_AUTH: 'certificate',
  ISPW_MCP_HCI_HOST: 'mvs1.example.com',
  ISPW_MCP_HCI_PORT: '16196',
  ISPW_MCP_CA_FILE: join(dir, 'ca.pem'),
  ISPW_MCP_CLIENT_CERT_FILE: join(dir, 'client.pem'),
  ISPW_MCP_CLIENT_KEY_FILE: join(dir, 'client.key'),
  ...extra,
});

function directoryFor(environment: Record<string, string>) {
  const report = inspectConfig({ readFile: read, env: environment });
  expect(report.errors).toEqual([]);
  return buildCesDirectory(report.config!, { logger: silentLogger() });
}

describe('certificate authentication to CES', () => {
  it('sends the host connection and the certificate headers instead of Authorization, and CES accepts them', async () => {
    const directory = directoryFor(env());
    try {
      const reply = await directory.resolve().call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } });
      expect(reply.assignmentId).toBe(DEMO.assignmentId);
      const sent = sim.requests.at(-1)!.headers;
      expect(sent.authorization).toBeUndefined();
      expect(sent.cpwr_hci_host).toBe('mvs1.example.com');
      expect(sent.cpwr_hci_port).toBe('16196');
      expect(sent['javax.servlet.request.x509certificate']).toBe(certificateHeaderValue(pki.client.cert));
    } finally {
      await directory.close();
    }
  });

  it('a certificate CES does not know is a ces_auth error that does not repeat the certificate', async () => {
    const other = certificateHeaderValue(pki.client2.cert)!;
    sim.setFaults([]);
    const directory = directoryFor(env({ ISPW_MCP_CLIENT_CERT_FILE: join(dir, 'other.pem'), ISPW_MCP_CLIENT_KEY_FILE: join(dir, 'other.key') }));
    try {
      const failure = await directory
        .resolve()
        .call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(CesError);
      expect((failure as CesError).code).toBe('ces_auth');
      expect((failure as CesError).message).not.toContain(other.slice(20, 60));
    } finally {
      await directory.close();
    }
  });

  it('is redacted like a token when CES echoes it in a reply', async () => {
    const value = certificateHeaderValue(pki.client.cert)!;
    sim.setFaults([{ kind: 'error', status: 500, message: `internal error for certificate ${value}`, count: 5 }]);
    const directory = directoryFor(env({ ISPW_MCP_CES_RETRIES: '0' }));
    try {
      const failure = (await directory
        .resolve()
        .call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })
        .catch((e: unknown) => e)) as CesError;
      expect(failure.code).toBe('ces_server');
      expect(failure.message).toContain('internal error for certificate');
      expect(failure.message).not.toContain(value.slice(0, 40));
    } finally {
      sim.setFaults([]);
      await directory.close();
    }
  });

  it('a missing certificate file is a clear ces_auth error and nothing reaches CES', async () => {
    const missing = join(dir, 'gone.pem');
    writeFileSync(missing, 'not a certificate');
    const directory = directoryFor(env({ ISPW_MCP_CLIENT_CERT_FILE: missing }));
    sim.clearRequests();
    try {
      const failure = (await directory
        .resolve()
        .call(ops.getAssignment, { path: { assignmentId: DEMO.assignmentId } })
        .catch((e: unknown) => e)) as CesError;
      expect(failure.code).toBe('ces_auth');
      expect(failure.message).toContain(`${missing} is missing or holds no PEM certificate`);
      expect(sim.requests).toHaveLength(0);
    } finally {
      await directory.close();
    }
  });

  it('configuration: incomplete settings are refused with what is missing; prod refuses it over http://', () => {
    const incomplete = inspectConfig({ readFile: read, env: { ...env(), ISPW_MCP_HCI_HOST: '', ISPW_MCP_HCI_PORT: '' } });
    expect(incomplete.errors.join('\n')).toMatch(/certificate authentication needs hciHost \(ISPW_MCP_HCI_HOST\), hciPort \(ISPW_MCP_HCI_PORT\)/);
    const noCert = inspectConfig({ readFile: read, env: { ...env(), ISPW_MCP_CLIENT_CERT_FILE: '', ISPW_MCP_CLIENT_KEY_FILE: '' } });
    expect(noCert.errors.join('\n')).toMatch(/needs clientCertFile/);
    const prod = inspectConfig({ readFile: read, env: { ...env(), ISPW_MCP_CES_URL: 'http://ces.example.com:48080', ISPW_MCP_PROFILE: 'prod' } });
    expect(prod.refusals.join('\n')).toMatch(/is http:\/\/; CES must be reached over https:\/\//);
    // A token is not required with certificate authentication.
    expect(inspectConfig({ readFile: read, env: env() }).errors).toEqual([]);
  });

  it('a PEM without a certificate, or with a broken one, gives no header value', () => {
    expect(certificateHeaderValue(pki.client.key)).toBeUndefined();
    expect(certificateHeaderValue('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toBeUndefined();
    expect(certificateHeaderValue(undefined)).toBeUndefined();
  });
});
