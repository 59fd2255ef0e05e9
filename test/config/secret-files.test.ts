// Secret files: rotation seen through the directory watch (without any read triggering it), the
// periodic re-check when watching is impossible, one warning for a broken rotation, and readiness
// (SecretHealth) that names secrets without a value — never the values.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { buildCesDirectory } from '../../src/app/ces-directory.js';
import { fileSource, type FileSource } from '../../src/shared/file-source.js';
import { loadConfig } from '../../src/config/load.js';
import { SecretHealth } from '../../src/config/secret-health.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { kubeSecret } from '../support/kube-secret.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});
const track = (source: FileSource) => (cleanup.push(() => source.close()), source);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean, ms = 5_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await wait(10);
  }
  return Date.now() - started;
}

describe('file sources follow rotation', () => {
  it('sees a ..data swap through the directory watch, well within 5 s', async () => {
    const secret = kubeSecret({ token: 'first' });
    cleanup.push(() => secret.remove());
    const warnings: unknown[] = [];
    // Reads alone would not re-check for a minute: only the watch can notice the swap.
    const source = track(
      fileSource(secret.path('token'), { checkEveryMs: 60_000, logger: { warn: (...a: unknown[]) => warnings.push(a), info: () => undefined } as never }),
    );
    expect(source()).toBe('first');
    secret.update({ token: 'second' });
    const ms = await until(() => source() === 'second');
    expect(ms).toBeLessThan(5_000);
    expect(warnings).toEqual([]);
  });

  it('falls back to the periodic re-check when watching is off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-poll-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'token'), 'one');
    let reads = 0;
    const source = track(fileSource(join(dir, 'token'), { checkEveryMs: 100, watch: false }));
    expect(source()).toBe('one');
    writeFileSync(join(dir, 'token'), 'two-longer');
    await until(() => (reads++, source() === 'two-longer'), 2_000);
    expect(reads).toBeGreaterThan(0);
  });

  it('keeps the last good value through a rotation to an empty file, warning once, and recovers', async () => {
    const secret = kubeSecret({ token: 'tokvalue-1' });
    cleanup.push(() => secret.remove());
    const warnings: unknown[] = [];
    const logger = { warn: (...a: unknown[]) => warnings.push(a), info: () => undefined } as never;
    const source = track(fileSource(secret.path('token'), { checkEveryMs: 50, logger }));
    secret.update({ token: '  \n' });
    await until(() => !source.healthy);
    await wait(200); // several periodic re-checks: still one warning
    expect(source()).toBe('tokvalue-1');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain('tokvalue');
    secret.update({ token: 'better' });
    await until(() => source() === 'better');
    expect(source.healthy).toBe(true);
  });
});

describe('SecretHealth', () => {
  it('reports the names of secrets without a usable value, never values', () => {
    const health = new SecretHealth();
    let token: string | undefined = 'tok-value-1';
    health.register('ces.instances[a].tokenFile (/run/t)', () => token);
    health.register('ces.instances[a].clientKeyFile (/run/k)', () => {
      throw new Error('boom');
    });
    health.register('ces.instances[b].token', () => '   ');
    expect(health.ok()).toBe(false);
    expect(health.problems()).toEqual(['ces.instances[a].clientKeyFile (/run/k)', 'ces.instances[b].token']);
    token = undefined;
    expect(health.problems()).toHaveLength(3);
    expect(JSON.stringify(health.problems())).not.toContain('tok-value');
  });

  it('gets every secret of every CES instance registered by the production wiring', async () => {
    const secret = kubeSecret({ token: 't', 'ca.crt': 'ca', 'tls.crt': 'c', 'tls.key': 'k', pass: 'p' });
    cleanup.push(() => secret.remove());
    const file = [
      'ces:',
      '  instances:',
      `    - { name: a, url: "https://a.example:1", srids: [A-1], tokenFile: ${secret.path('token')}, caFile: ${secret.path('ca.crt')}, clientCertFile: ${secret.path('tls.crt')}, clientKeyFile: ${secret.path('tls.key')}, clientKeyPassphraseFile: ${secret.path('pass')} }`,
      `    - { name: b, url: "https://b.example:1", srids: [B-1], tokenFile: ${join(secret.dir, 'missing-token')} }`,
      '    - { name: c, url: "https://c.example:1", srids: [C-1], token: plain }',
    ].join('\n');
    const config = loadConfig({ env: { ISPW_MCP_CONFIG: '/c.yaml' }, readFile: () => file });
    const health = new SecretHealth();
    const directory = buildCesDirectory(config, { logger: silentLogger(), secretHealth: health });
    cleanup.push(() => directory.close());
    expect(health.names()).toHaveLength(7);
    expect(health.problems()).toEqual([`ces.instances[b].tokenFile (${join(secret.dir, 'missing-token')})`]);
    writeFileSync(join(secret.dir, 'missing-token'), 'now-there');
    chmodSync(join(secret.dir, 'missing-token'), 0o600);
    await until(() => health.ok());
  });
});
