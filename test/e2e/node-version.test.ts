// The built entry, started by a Node older than the minimum, stops at once with a clear message
// and a non-zero exit, before anything that needs a newer Node loads — instead of printing its URL
// and failing every tool call later. Uses the machine's own Node (Debian's /usr/bin/node is 20);
// ISPW_MCP_OLD_NODE names another. Without an older Node on the machine the test says so and skips.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { MINIMUM_NODE, nodeVersionAtLeast } from '../../src/shared/node-version.js';
import { assertBuilt, MAIN } from '../support/server-process.js';

function findOldNode(): { path: string; version: string } | undefined {
  for (const path of [process.env.ISPW_MCP_OLD_NODE, '/usr/bin/node', '/usr/local/bin/node']) {
    if (!path || !existsSync(path)) continue;
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    if (!nodeVersionAtLeast(version)) return { path, version };
  }
  return undefined;
}

const oldNode = findOldNode();
if (!oldNode) console.warn(`\n*** node-version e2e SKIPPED: no Node older than ${MINIMUM_NODE} on this machine (set ISPW_MCP_OLD_NODE) ***\n`);

describe.skipIf(!oldNode)(`the entry under ${oldNode?.version ?? 'an old Node'}`, () => {
  const run = (args: string[]) => {
    assertBuilt();
    // A complete stdio configuration: on a new enough Node this would start serving.
    const env = { PATH: process.env.PATH ?? '', ISPW_MCP_CES_URL: 'http://127.0.0.1:9', ISPW_MCP_SRID: 'CW09-47623', ISPW_MCP_CES_TOKEN: 'tok-old-node' };
    return spawnSync(oldNode!.path, [MAIN, ...args], { env, encoding: 'utf8', input: '', timeout: 20_000 });
  };

  for (const args of [['serve'], ['--version'], ['demo', '--port', '0']]) {
    it(`\`ispw-mcp ${args.join(' ')}\` refuses to start, names both versions and says how to get Node 24`, () => {
      const result = run(args);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`ispw-mcp needs Node.js ${MINIMUM_NODE} or later, but this is Node.js ${oldNode!.version.replace(/^v/, '')}`);
      expect(result.stderr).toMatch(/nvm install 24/);
      // The check ran before the dependencies: no stack trace, no undici/commander error.
      expect(result.stderr).not.toMatch(/\n\s+at |TypeError|SyntaxError/);
    });
  }

  it('the same entry starts under the current Node (the check is not always refusing)', () => {
    const result = spawnSync(process.execPath, [MAIN, '--version'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
