// `ispw-mcp config check --probe` (docs/ces-fidelity.md item 12): the built CLI asks each configured
// CES instance what /readyz would, and prints CES's version; a rejected token fails the check.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { MAIN, assertBuilt, serverEnv } from '../support/server-process.js';

const TOKEN = 'canary-probe-7a1c2e55-0d1f';
let sim: RunningSimulator;

beforeAll(async () => {
  assertBuilt();
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(() => sim?.close());

async function check(token: string): Promise<{ code: number; stdout: string }> {
  const env = serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: DEMO.srid, ISPW_MCP_CES_TOKEN: token });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, 'config', 'check', '--probe'], { env, timeout: 30_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '' };
  }
}

describe('config check --probe', () => {
  it('reports each instance reachable with its CES version', async () => {
    const { code, stdout } = await check(TOKEN);
    expect(stdout).toContain(`probe default (SRID ${DEMO.srid}): ok, CES 20.04.01`);
    expect(code).toBe(0);
  });

  it('fails, saying why, when CES rejects the token — and never prints the token', async () => {
    const { code, stdout } = await check('wrong-token-ffff');
    expect(stdout).toMatch(/probe default \(SRID CW09-47623\): token_rejected — .*\(CES version not reported\)/);
    expect(stdout).not.toContain('wrong-token-ffff');
    expect(code).toBe(1);
  });
});
