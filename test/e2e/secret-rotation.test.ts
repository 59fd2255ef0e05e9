// Live rotation of every secret through the Kubernetes-style `..data` symlink swap, under load and
// through the production wiring (loadConfig → buildCesDirectory → file sources with watches):
// the CES token, the mTLS client certificate and key, and the CA bundle rotate while tool calls keep
// running; no call fails and CES sees the new token within 5 seconds.
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport, type CallToolResult } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { CesDirectory } from '../../src/ces/api.js';
import { buildCesDirectory } from '../../src/app/ces-directory.js';
import { loadConfig } from '../../src/config/load.js';
import { SecretHealth } from '../../src/config/secret-health.js';
import { createServerFactory } from '../../src/mcp/server.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { createTestPki } from '../support/certs.js';
import { kubeSecret, type KubeSecret } from '../support/kube-secret.js';

const OLD_TOKEN = 'rotation-old-7f3a9c21';
const NEW_TOKEN = 'rotation-new-4be81d05';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function connect(directory: CesDirectory): Promise<Client> {
  const server = createServerFactory({ tools: ALL_TOOLS, directory, logger: silentLogger(), wait: { pollIntervalMs: 20, maxWaitSeconds: 5 } })();
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'rotation-test', version: '1.0.0' });
  await client.connect(clientSide);
  cleanup.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

/** Keeps `workers` tool calls in flight until stopped; returns every result. */
function load(client: Client, workers = 4) {
  let running = true;
  const results: CallToolResult[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      results.push(result);
      // A failing call returns at once; do not let a broken run spin the event loop.
      if (result.isError) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  return {
    results,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

const tokensSeen = (sim: RunningSimulator) => sim.requests.map((r) => r.headers.authorization);

async function until(condition: () => boolean, ms: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

function setup(secret: KubeSecret, url: string, srid: string, health = new SecretHealth()) {
  const config = loadConfig({
    env: {
      ISPW_MCP_CES_URL: url,
      ISPW_MCP_SRID: srid,
      ISPW_MCP_CES_TOKEN_FILE: secret.path('token'),
      ISPW_MCP_CA_FILE: secret.path('ca.crt'),
      ISPW_MCP_CA_MODE: 'replace',
      ISPW_MCP_CLIENT_CERT_FILE: secret.path('tls.crt'),
      ISPW_MCP_CLIENT_KEY_FILE: secret.path('tls.key'),
      ISPW_MCP_CES_RETRIES: '0',
      ISPW_MCP_PROFILE: 'prod',
    },
    readFile: () => '',
    fileStat: () => ({ mode: 0o100400, uid: 1000, gid: 1000 }),
  });
  const directory = buildCesDirectory(config, { logger: silentLogger(), secretHealth: health });
  cleanup.push(() => directory.close());
  return directory;
}

describe('secret rotation under load (Kubernetes ..data swap)', () => {
  it('rotates the token and the mTLS client certificate and key with zero failed calls', async () => {
    const one = await createTestPki();
    const sim = await startSimulator({
      tokens: [OLD_TOKEN, NEW_TOKEN],
      stepMs: 0,
      tls: { cert: one.server.cert, key: one.server.key, ca: one.ca.cert, requireClientCert: true },
    });
    cleanup.push(() => sim.close());
    const secret = kubeSecret({ token: `${OLD_TOKEN}\n`, 'ca.crt': one.ca.cert, 'tls.crt': one.client.cert, 'tls.key': one.client.key });
    cleanup.push(() => secret.remove());
    const health = new SecretHealth();
    const client = await connect(setup(secret, sim.url.replace('127.0.0.1', 'localhost'), sim.srids[0]!, health));

    const traffic = load(client);
    await until(() => traffic.results.length >= 20, 10_000);
    expect(traffic.results.filter((r) => r.isError).slice(0, 1)).toEqual([]);
    expect(new Set(tokensSeen(sim))).toEqual(new Set([OLD_TOKEN]));

    const before = sim.requests.length;
    secret.update({ token: `${NEW_TOKEN}\n`, 'ca.crt': one.ca.cert, 'tls.crt': one.client2.cert, 'tls.key': one.client2.key });
    const tookMs = await until(() => sim.requests.slice(before).some((r) => r.headers.authorization === NEW_TOKEN), 5_000);
    const switched = sim.requests.length;
    await until(() => sim.requests.length >= switched + 20, 10_000);
    const results = await traffic.stop();

    expect(results.filter((r) => r.isError)).toEqual([]);
    expect(tookMs).toBeLessThan(5_000);
    // Once the new token is in use, the old one is never sent again.
    expect(tokensSeen(sim).slice(switched)).not.toContain(OLD_TOKEN);
    expect(health.ok()).toBe(true);
  });

  it('rotates the CA bundle (a CA rollover) with zero failed calls, and drops trust in a removed CA', async () => {
    const one = await createTestPki();
    const first = await startSimulator({
      tokens: [OLD_TOKEN],
      stepMs: 0,
      tls: { cert: one.server.cert, key: one.server.key, ca: one.ca.cert, requireClientCert: true },
    });
    cleanup.push(() => first.close());
    // Step 1 of a CA rollover: the bundle carries both CAs; step 2: only the new one.
    const secret = kubeSecret({ token: OLD_TOKEN, 'ca.crt': one.ca.cert, 'tls.crt': one.client.cert, 'tls.key': one.client.key });
    cleanup.push(() => secret.remove());
    const client = await connect(setup(secret, first.url.replace('127.0.0.1', 'localhost'), first.srids[0]!));
    const traffic = load(client, 2);
    await until(() => traffic.results.length >= 10, 10_000);
    secret.update({ token: OLD_TOKEN, 'ca.crt': `${one.ca.cert}\n${one.otherCa.cert}`, 'tls.crt': one.client.cert, 'tls.key': one.client.key });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const results = await traffic.stop();
    expect(results.length).toBeGreaterThan(10);
    expect(results.filter((r) => r.isError)).toEqual([]);

    // With only the new CA in the bundle (replace mode), the old server certificate is no longer trusted.
    secret.update({ token: OLD_TOKEN, 'ca.crt': one.otherCa.cert, 'tls.crt': one.client.cert, 'tls.key': one.client.key });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const refused = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/unknown certificate authority/);
  });
});
