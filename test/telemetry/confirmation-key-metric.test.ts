// ispw_mcp_confirmation_key_shared: present only with a policy file; 1 while confirmation tokens
// are signed with the key file's key, 0 without a key file (a per-process key, valid on one replica)
// and 0 once the key file is rotated to a key too short to use. Real files, a real registry.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { loadConfig } from '../../src/config/load.js';
import { setupAccess } from '../../src/app/access.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { Metrics } from '../../src/telemetry/metrics.js';
import { ALL_TOOLS, TOOLSETS } from '../../src/tools/index.js';
import { parsePrometheus } from './prometheus-text.js';

const dir = mkdtempSync(join(tmpdir(), 'ispw-confirm-key-metric-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policy = join(dir, 'policy.yaml');
writeFileSync(policy, 'version: 1\ndefault: allow\nrules:\n  - { name: prd, match: { operations: [promote], levels: [STG] }, decision: confirm }\n');
const keyFile = join(dir, 'confirm.key');
writeFileSync(keyFile, 'k'.repeat(48), { mode: 0o600 });

function start(env: Record<string, string>) {
  const metrics = new Metrics();
  const config = loadConfig({
    env: { ISPW_MCP_CES_URL: 'https://ces.example.com:48226', ISPW_MCP_SRID: 'CW09', ISPW_MCP_CES_TOKEN_FILE: '/nonexistent/token', ...env },
    readFile: () => '',
  });
  const access = setupAccess(config, { logger: silentLogger(), tools: ALL_TOOLS, toolsets: TOOLSETS, metrics });
  const value = async () => parsePrometheus(await metrics.render()).samples.find((s) => s.name === 'ispw_mcp_confirmation_key_shared')?.value;
  return { access, value };
}

describe('ispw_mcp_confirmation_key_shared', () => {
  it('is absent without a policy file (no confirmations)', async () => {
    const { access, value } = start({});
    expect(await value()).toBeUndefined();
    access.close();
  });

  it('is 0 with a policy file and no key file: each replica signs with its own key', async () => {
    const { access, value } = start({ ISPW_MCP_POLICY_FILE: policy });
    expect(await value()).toBe(0);
    access.close();
  });

  it('is 1 with a usable key file, and 0 once the key is rotated to fewer than 32 bytes', async () => {
    const { access, value } = start({ ISPW_MCP_POLICY_FILE: policy, ISPW_MCP_CONFIRM_KEY_FILE: keyFile });
    try {
      expect(await value()).toBe(1);
      writeFileSync(keyFile, 'too-short');
      await vi.waitFor(async () => expect(await value()).toBe(0), { timeout: 10_000, interval: 100 });
      writeFileSync(keyFile, 'n'.repeat(40));
      await vi.waitFor(async () => expect(await value()).toBe(1), { timeout: 10_000, interval: 100 });
    } finally {
      access.close();
    }
  });
});
