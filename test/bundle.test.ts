// The one-file build (scripts/bundle.mjs, run by `npm run build`): the entry the npm package and the
// image run serves MCP like the tsc build, knows its version and the SDK release it carries (the HTTP
// fast path's version gate), and its stack traces name src/ files through the source map.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../simulator/index.js';
import { FAST_PATH_VERIFIED_SDK_VERSION } from '../src/transports/sdk-version.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = `${root}dist/bundle/main.js`;
const BUNDLE = `${root}dist/bundle/ispw-mcp.mjs`;
const TOKEN = 'bundle-test-token-5a1f';
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
});
afterAll(async () => sim?.close());

describe('the bundled server', () => {
  it('prints the package version', () => {
    const result = spawnSync(process.execPath, [ENTRY, '--version'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe((JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version);
  });

  it('has the version and the SDK release it carries written in at build time', () => {
    // In the image no package.json of the SDK sits beside the bundle: the fast path's version gate
    // (src/transports/sdk-version.ts) must get the bundled release from the build.
    const code = readdirSync(join(root, 'dist/bundle'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.mjs'))
      .map((file) => readFileSync(join(root, 'dist/bundle', file), 'utf8'))
      .join('\n');
    expect(code).not.toMatch(/__ISPW_MCP_(VERSION|BUNDLED_SDK_VERSION)__/);
    expect(code).toContain(JSON.stringify(FAST_PATH_VERIFIED_SDK_VERSION));
  });

  it('serves tools/list and a tool call over stdio', async () => {
    const client = new Client({ name: 'bundle-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY],
      env: { PATH: process.env.PATH ?? '', ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN, ISPW_MCP_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(30);
      const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ assignmentId: DEMO.assignmentId });
    } finally {
      await client.close();
    }
  });

  it("names src/ files in a stack trace through the bundle's source map", () => {
    // main.ts's fail() calls process.exit; the probe throws there instead and prints the stack.
    const probe = [
      'process.setSourceMapsEnabled(true);',
      "process.argv = [process.argv[0], 'ispw-mcp', '--version'];",
      "process.exit = () => { throw new Error('exit probe'); };",
      "process.on('uncaughtException', (error) => process.stderr.write(error.stack));",
      `await import(${JSON.stringify(BUNDLE)});`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(result.stderr).toMatch(/at \S+ \(.*\/src\/main\.ts:\d+:\d+\)/);
  });
});
