// Redaction everywhere: canary secrets (CES token, a token CES rejects, client key and passphrase)
// go through the real server processes — HTTP and stdio, logging at `trace` — and through failing
// calls (token rejected, TLS failure, CES errors, CES echoing the token upper-cased, base64/base64url,
// hex, URL-encoded or cut to a prefix, in errors and in replies), `config check` and refused start-ups. Everything
// the processes printed or exported is collected into `sinks`; no canary may appear in any of them.
// Adding a sink is one line: `sinks.set(name, text)`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { CANARY_PASSPHRASE, CANARY_REJECTED_TOKEN, CANARY_TOKEN, canaryKit, echoesOf, leaks, type CanaryKit } from '../support/canary.js';
import { connectHttp } from '../support/clients.js';
import { kubeSecret, type KubeSecret } from '../support/kube-secret.js';
import { MAIN, assertBuilt, serverEnv, startServerProcess } from '../support/server-process.js';

/** Everything the processes printed or exported, by where it came from. */
const sinks = new Map<string, string>();
let kit: CanaryKit;
let sim: RunningSimulator;
let untrusted: RunningSimulator;
let secret: KubeSecret;
const UNTRUSTED_SRID = 'CW10-00001';

const text = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  assertBuilt();
  kit = await canaryKit();
  const { pki } = kit;
  sim = await startSimulator({
    tokens: [CANARY_TOKEN],
    stepMs: 0,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert, requireClientCert: true },
  });
  // A CES whose certificate comes from a CA we do not trust: every call to it is a TLS failure.
  untrusted = await startSimulator({
    tokens: [CANARY_TOKEN],
    srids: [UNTRUSTED_SRID],
    stepMs: 0,
    tls: { cert: pki.otherCaServer.cert, key: pki.otherCaServer.key },
  });
  secret = kubeSecret({
    token: `${CANARY_TOKEN}\n`,
    'ca.crt': pki.ca.cert,
    'tls.crt': pki.client.cert,
    'tls.key': kit.encryptedClientKey,
    passphrase: `${CANARY_PASSPHRASE}\n`,
  });
  const config = [
    'ces:',
    '  instances:',
    '    - name: main',
    `      url: ${sim.url.replace('127.0.0.1', 'localhost')}`,
    `      srids: [${sim.srids[0]}]`,
    `      tokenFile: ${secret.path('token')}`,
    `      caFile: ${secret.path('ca.crt')}`,
    `      clientCertFile: ${secret.path('tls.crt')}`,
    `      clientKeyFile: ${secret.path('tls.key')}`,
    `      clientKeyPassphraseFile: ${secret.path('passphrase')}`,
    '      retries: 0',
    '    - name: untrusted',
    `      url: ${untrusted.url.replace('127.0.0.1', 'localhost')}`,
    `      srids: [${UNTRUSTED_SRID}]`,
    `      tokenFile: ${secret.path('token')}`,
    `      caFile: ${secret.path('ca.crt')}`,
    '      retries: 0',
  ].join('\n');
  writeFileSync(join(secret.dir, 'ispw-mcp.yaml'), config);
});

afterAll(async () => {
  await sim?.close();
  await untrusted?.close();
  secret?.remove();
});

const configEnv = (extra: Record<string, string> = {}) =>
  serverEnv({ ISPW_MCP_CONFIG: join(secret.dir, 'ispw-mcp.yaml'), ISPW_MCP_LOG_LEVEL: 'trace', ...extra });

/** Runs `node dist/src/main.js <args>` to completion; returns its exit code, stdout and stderr. */
function run(args: string[], env: Record<string, string>, stdin?: (write: (line: string) => void, stdout: () => string) => Promise<void>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    proc.once('error', reject);
    if (stdin) {
      stdin(
        (line) => proc.stdin.write(`${line}\n`),
        () => stdout,
      ).then(() => proc.stdin.end(), reject);
    } else {
      proc.stdin.end();
    }
  });
}

async function untilText(read: () => string, pattern: RegExp, ms = 10_000) {
  const started = Date.now();
  while (!pattern.test(read())) {
    if (Date.now() - started > ms) throw new Error(`no ${pattern} in output:\n${read().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('no secret appears in anything the process prints or exports', () => {
  it('HTTP server: logs, tool results and errors, /metrics, /readyz', async () => {
    const server = await startServerProcess(['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'], configEnv());
    try {
      const { client } = await connectHttp(server.url, '2025');
      const call = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
      const ok = await call('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
      expect(ok.isError, text(ok.content)).toBeFalsy();
      const notFound = await call('ispw_get_assignment', { assignment_id: 'NOPE000001' });
      const tlsFailure = await call('ispw_get_assignment', { assignment_id: DEMO.assignmentId, srid: UNTRUSTED_SRID });
      expect(text(tlsFailure.content)).toMatch(/unknown certificate authority/);
      // Rotate to a token CES rejects: the auth error text must not echo it.
      secret.update({
        token: CANARY_REJECTED_TOKEN,
        'ca.crt': kit.pki.ca.cert,
        'tls.crt': kit.pki.client.cert,
        'tls.key': kit.encryptedClientKey,
        passphrase: CANARY_PASSPHRASE,
      });
      let rejected = await call('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
      for (let i = 0; i < 50 && !rejected.isError; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rejected = await call('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
      }
      expect(text(rejected.content)).toMatch(/token/i);
      expect(sim.requests.some((r) => r.headers.authorization === CANARY_REJECTED_TOKEN)).toBe(true);
      sinks.set('HTTP tool results', text([ok, notFound, tlsFailure, rejected]));
      const base = new URL(server.url).origin;
      for (const route of ['/metrics', '/readyz', '/livez']) {
        const reply = await fetch(`${base}${route}`);
        if (reply.status !== 404) sinks.set(`HTTP ${route}`, await reply.text());
      }
      expect([...sinks.keys()]).toEqual(expect.arrayContaining(['HTTP /metrics', 'HTTP /readyz'])); // served by issue #5
      await client.close();
    } finally {
      secret.update({
        token: CANARY_TOKEN,
        'ca.crt': kit.pki.ca.cert,
        'tls.crt': kit.pki.client.cert,
        'tls.key': kit.encryptedClientKey,
        passphrase: CANARY_PASSPHRASE,
      });
      await server.stop();
      sinks.set('HTTP server stderr', server.stderr());
    }
    expect(sinks.get('HTTP server stderr')).toMatch(/"level":"(trace|debug)"/); // logging really was verbose
  });

  it('stdio server: the raw stdout (JSON-RPC) and stderr, with a plain-environment token', async () => {
    const result = await run(['serve'], configEnv({ ISPW_MCP_CES_TOKEN: CANARY_TOKEN }), async (write, stdout) => {
      write(
        text({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'canary', version: '1' } },
        }),
      );
      await untilText(stdout, /"id":1/);
      write(text({ jsonrpc: '2.0', method: 'notifications/initialized' }));
      const calls: Record<string, unknown>[] = [
        { assignment_id: DEMO.assignmentId },
        { assignment_id: 'NOPE000001' },
        { assignment_id: DEMO.assignmentId, srid: UNTRUSTED_SRID },
      ];
      for (const [i, args] of calls.entries()) {
        write(text({ jsonrpc: '2.0', id: 10 + i, method: 'tools/call', params: { name: 'ispw_get_assignment', arguments: args } }));
        await untilText(stdout, new RegExp(`"id":${10 + i}[,}]`));
      }
    });
    expect(result.stdout).toMatch(/unknown certificate authority/);
    sinks.set('stdio stdout', result.stdout);
    sinks.set('stdio stderr', result.stderr);
  });

  it('HTTP server: CES echoing the token in other forms reaches no tool result, log line or audit record', async () => {
    const auditFile = join(mkdtempSync(join(tmpdir(), 'ispw-mcp-canary-')), 'audit.jsonl');
    const server = await startServerProcess(
      ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
      configEnv({ ISPW_MCP_AUDIT_FILE: auditFile }),
    );
    const results: unknown[] = [];
    try {
      const { client } = await connectHttp(server.url, '2026');
      const generate = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };
      for (const echo of echoesOf(CANARY_TOKEN)) {
        // A failing write (the CES message goes into the error and the audit outcome) and a
        // successful one (the reply's message goes into the result and the audit outcome).
        sim.setFaults([{ kind: 'error', status: 400, message: `token ${echo} refused`, method: 'POST', count: 1 }]);
        const failed = await client.callTool({ name: 'ispw_generate', arguments: generate });
        expect(failed.isError).toBe(true);
        sim.setFaults([{ kind: 'replyMessage', message: `set created for ${echo}`, method: 'POST', count: 1 }]);
        const ok = await client.callTool({ name: 'ispw_generate', arguments: generate });
        expect(ok.isError, text(ok.content)).toBeFalsy();
        results.push(failed, ok);
      }
      await client.close();
    } finally {
      sim.setFaults([]);
      await server.stop();
    }
    // The faults fired: each echo was replaced, in the results and in the audit file.
    const resultText = text(results);
    expect(resultText.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(2 * echoesOf(CANARY_TOKEN).length);
    const audit = readFileSync(auditFile, 'utf8');
    expect(audit.match(/"cesMessage":"[^"]*\[redacted\]/g)?.length).toBe(2 * echoesOf(CANARY_TOKEN).length);
    sinks.set('HTTP tool results (CES echoing the token)', resultText);
    sinks.set('HTTP server stderr (CES echoing the token)', server.stderr());
    sinks.set('audit file (CES echoing the token)', audit);
  });

  it('config check (dev and prod) and a start-up refused by prod', async () => {
    const env = configEnv({ ISPW_MCP_CES_TOKEN: CANARY_TOKEN });
    const dev = await run(['config', 'check'], env);
    expect(dev.code).toBe(0);
    expect(dev.stdout).toContain('[redacted]');
    const prod = await run(['config', 'check', '--profile', 'prod'], env);
    expect(prod.code).toBe(1);
    expect(prod.stdout).toMatch(/ISPW_MCP_CES_TOKEN \(environment\) holds a secret/);
    const refused = await run(['serve', '--profile', 'prod'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/prod profile refuses/);
    sinks.set('config check (dev)', dev.stdout + dev.stderr);
    sinks.set('config check (prod)', prod.stdout + prod.stderr);
    sinks.set('refused start-up', refused.stdout + refused.stderr);
  });

  it('no canary in any sink', () => {
    expect([...sinks.keys()].length).toBeGreaterThanOrEqual(8);
    // The detector itself works: each form of a canary is found.
    expect(leaks(`x${CANARY_TOKEN}x ${Buffer.from(CANARY_PASSPHRASE).toString('base64')}`, kit.canaries)).toEqual(['CES token', 'key passphrase']);
    for (const echo of echoesOf(CANARY_TOKEN)) expect(leaks(`CES said ${echo}.`, kit.canaries), echo).toEqual(['CES token']);
    expect(leaks(kit.encryptedClientKey, kit.canaries).length).toBeGreaterThan(0);
    const found = [...sinks].flatMap(([sink, content]) => leaks(content, kit.canaries).map((canary) => `${canary} in ${sink}`));
    expect(found).toEqual([]);
  });
});
