// The product's name and version, read once from the package.json that ships with the code.
import { existsSync, readFileSync } from 'node:fs';

// The one-file build (scripts/bundle.mjs) writes the version in at build time: the bundle does not sit
// where package.json can be found relative to it (the image ships no package.json beside it).
declare const __ISPW_MCP_VERSION__: string | undefined;

function readPackageVersion(): string {
  if (typeof __ISPW_MCP_VERSION__ === 'string') return __ISPW_MCP_VERSION__;
  // src/shared (tests) sits two levels below the package root, dist/src/shared three.
  for (const relative of ['../../package.json', '../../../package.json']) {
    const url = new URL(relative, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'ispw-mcp' && pkg.version) return pkg.version;
  }
  return '0.0.0';
}

export const PRODUCT = { name: 'ispw-mcp', version: readPackageVersion() } as const;
