// The npm package works as the README says: `npm pack` in a checkout without a build builds first
// (prepack), the tarball holds the bundled server and the compiled simulator, LICENSE and README, no
// TypeScript, and source maps only for the bundle, without sources inside, and `npm install -g` of the
// tarball gives an `ispw-mcp` command that prints its version and serves MCP over stdio: tools/list,
// and a tool call against a CES simulator (so the runtime dependencies resolve in the install).
// Dependencies come from npm's cache when `npm ci` has filled it (--prefer-offline).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
const TOKEN = 'issue-18-package-token';

let work: string;
let packed: { filename: string; files: { path: string }[]; size: number };
let bin: string;
let sim: RunningSimulator;
// What npm needs to reach the registry where a TLS-inspecting proxy sits in between (its CA and proxy
// settings, npm's own config); without them every registry request fails and npm retries until the
// test's bound (SELF_SIGNED_CERT_IN_CHAIN). Nothing else of the caller's environment goes through.
const NETWORK_ENV = /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|npm_config_.+|NPM_CONFIG_.+)$/;
const networkEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => NETWORK_ENV.test(key))) as Record<string, string>;
// The pinned Node first on PATH: npm runs under it, and the installed bin's `#!/usr/bin/env node` finds it.
const env = () => ({ ...networkEnv(), PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? tmpdir() });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'issue-18-package-'));
  // A checkout without dist/: what `npm pack` sees in a fresh clone.
  const checkout = join(work, 'checkout');
  for (const entry of [
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'scripts/bundle.mjs',
    'src',
    'simulator',
    'README.md',
    'LICENSE',
  ]) {
    cpSync(join(root, entry), join(checkout, entry), { recursive: true, preserveTimestamps: true });
  }
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'));
  // stdin closed: npm never waits for an answer; a bounded time so a stuck npm fails instead of hanging.
  const npm = (args: string[], cwd = work) =>
    execFileSync('npm', args, { cwd, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
  const out = npm(['pack', '--json', '--pack-destination', work, '--loglevel=error'], checkout);
  packed = (JSON.parse(out) as (typeof packed)[])[0]!;
  // npm waits 5 minutes on a stalled registry request by default (fetch-timeout), longer than this
  // test's bound: a short timeout with retries turns a stall into a retry (the install resolves the
  // package's version ranges, so it may fetch what `npm ci` did not cache).
  npm([
    'install',
    '-g',
    '--prefix',
    join(work, 'prefix'),
    '--prefer-offline',
    '--fetch-timeout=20000',
    '--fetch-retries=4',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    join(work, packed.filename),
  ]);
  bin = join(work, 'prefix', 'bin', Object.keys(pkg.bin)[0]!);
}, 300_000);

afterAll(async () => {
  await sim?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('is built by prepack and holds the server, the simulator, LICENSE and README', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', pkg.bin['ispw-mcp']!, 'dist/bundle/ispw-mcp.mjs', 'dist/simulator/index.js']),
    );
    // The server is the bundled build (scripts/bundle.mjs): its start-up code and on-demand chunks.
    expect(paths.filter((p) => p.startsWith('dist/bundle/chunks/') && p.endsWith('.mjs')).length).toBeGreaterThan(10);
    expect(paths.some((p) => p.startsWith('dist/src/'))).toBe(false);
    expect(packed.size).toBeGreaterThan(100_000);
  });

  it('ships no TypeScript; its only source maps are those of the bundle, which carry no sources', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    const installed = join(work, 'prefix', 'lib', 'node_modules', pkg.name);
    const maps = paths.filter((p) => p.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      expect(map.startsWith('dist/bundle/'), map).toBe(true);
      // Stack traces name src/ files and lines (test/bundle.test.ts); the TypeScript itself is not shipped.
      const parsed = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(parsed.sourcesContent, map).toBeUndefined();
    }
    const pointing = paths.filter((p) => /\.m?js$/.test(p) && readFileSync(join(installed, p), 'utf8').includes('sourceMappingURL'));
    expect(pointing.every((p) => p.startsWith('dist/bundle/') && maps.includes(`${p}.map`))).toBe(true);
  });

  it('LICENSE is the full Apache-2.0 text the package declares', () => {
    const license = readFileSync(join(work, 'prefix', 'lib', 'node_modules', pkg.name, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(license.split('\n').length).toBeGreaterThan(200);
  });

  it('installs an `ispw-mcp` command that prints its version', () => {
    expect(existsSync(bin)).toBe(true);
    const result = spawnSync(bin, ['--version'], { env: env(), encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('serves MCP over stdio from the install: tools/list and a call to a CES simulator', async () => {
    sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
    const client = new Client({ name: 'package-e2e', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: bin,
      env: { ...env(), ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN, ISPW_MCP_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(30);
    expect(tools.map((t) => t.name)).toContain('ispw_promote');
    const result = await client.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain(DEMO.assignmentId);
    await client.close();
  });
});
