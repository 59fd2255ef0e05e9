// Flag → options mapping shared with `ispw-mcp simulator`, and the standalone entry (main.ts):
// it prints its URL on stderr, serves requests and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { simulatorOptionsFromFlags } from '../../simulator/index.js';
import { parseSimulatorArgv } from '../../simulator/cli-options.js';
import { TOKEN } from './helpers.js';

describe('simulatorOptionsFromFlags', () => {
  it('maps flags (strings, as commander gives them) to options', () => {
    const files: Record<string, string> = { 'c.pem': 'CERT', 'k.pem': 'KEY', 'ca.pem': 'CA' };
    const options = simulatorOptionsFromFlags(
      {
        port: '48080',
        token: 'T',
        srid: ['A-1', 'B-2'],
        stepMs: '250',
        latencyMs: '40',
        errorRate: '0.1',
        tlsCert: 'c.pem',
        tlsKey: 'k.pem',
        tlsCa: 'ca.pem',
        requireClientCert: true,
        postStatus: '201',
        realisticSets: true,
      },
      (path) => files[path]!,
    );
    expect(options).toMatchObject({
      port: 48080,
      tokens: ['T'],
      srids: ['A-1', 'B-2'],
      stepMs: 250,
      postStatus: 201,
      seed: 'demo',
      faults: [
        { kind: 'latency', ms: 40 },
        { kind: 'error', rate: 0.1 },
      ],
      tls: { cert: 'CERT', key: 'KEY', ca: 'CA', requireClientCert: true },
      // A set action shows one step late.
      realism: { actionLagMs: 250, waitForLock: true, closeWithFailures: true },
    });
    expect(simulatorOptionsFromFlags({ token: 'T' }).realism).toBeUndefined();
  });

  it.each([
    [{}, /--token/],
    [{ token: 'T', port: 'abc' }, /--port/],
    [{ token: 'T', errorRate: '2' }, /--error-rate/],
    [{ token: 'T', tlsCert: 'c.pem' }, /go together/],
    [{ token: 'T', tlsCert: 'c', tlsKey: 'k', requireClientCert: true }, /--tls-ca/],
    [{ token: 'T', seed: 'huge' }, /--seed/],
  ])('refuses bad flags %j', (flags, message) => {
    expect(() => simulatorOptionsFromFlags(flags, () => 'x')).toThrow(message);
  });

  it('parses argv', () => {
    expect(parseSimulatorArgv(['--port', '1', '--token', 'a', '--token', 'b', '--require-client-cert', '--realistic-sets'])).toMatchObject({
      port: '1',
      token: ['a', 'b'],
      requireClientCert: true,
      realisticSets: true,
    });
  });
});

describe('standalone entry', () => {
  it('prints its URL, serves, and stops on SIGTERM', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, 'simulator/main.ts', '--port', '0', '--token', TOKEN, '--step-ms', '0'], {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        const m = /listening on (\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const res = await fetch(`${url}/ispw/CW09-47623/assignments/PLAY000313`, { headers: { authorization: TOKEN } });
    expect(res.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
