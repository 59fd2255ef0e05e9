// The tools/call fast path (fast-call.ts) reproduces behaviour of one release of the MCP server SDK:
// its answers, its era checks, and constants the SDK does not export (the modern revision string,
// the SSE keep-alive interval and headers). It was verified against that release by the differential
// test (test/e2e/http-fast-call.test.ts), so it runs only when that very release is installed; with
// any other, every request takes the SDK path. The version is read at start from the package.json
// of the installed package, found from where the package resolves.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SDK_PACKAGE = '@modelcontextprotocol/server';
/** The release the fast path was verified against; update it only after the differential test passes on the new one. */
export const FAST_PATH_VERIFIED_SDK_VERSION = '2.4.0';

// The one-file build (scripts/bundle.mjs) carries the SDK inside it: the version that runs is the one
// it bundled, written in at build time, not whatever node_modules holds beside the bundle (if any).
declare const __ISPW_MCP_BUNDLED_SDK_VERSION__: string | undefined;

/** The installed version of `@modelcontextprotocol/server`, or undefined when it cannot be read. */
export function installedSdkVersion(resolve: (specifier: string) => string = (specifier) => import.meta.resolve(specifier)): string | undefined {
  if (typeof __ISPW_MCP_BUNDLED_SDK_VERSION__ === 'string') return __ISPW_MCP_BUNDLED_SDK_VERSION__;
  let dir: string;
  try {
    dir = dirname(fileURLToPath(resolve(SDK_PACKAGE)));
  } catch {
    return undefined;
  }
  // The entry sits in the package (dist/index.mjs); its package.json is the nearest one naming it.
  for (let up = 0; up < 6; up++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === SDK_PACKAGE && typeof pkg.version === 'string') return pkg.version;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

export type FastPathDecision = { readonly on: true } | { readonly on: false; readonly reason: string };

/** Whether the fast path may serve: switched on, and the verified SDK release installed. */
export function decideFastPath(switchedOn: boolean, installed: string | undefined): FastPathDecision {
  if (!switchedOn) return { on: false, reason: 'switched off by configuration (ISPW_MCP_HTTP_FAST_PATH=false)' };
  if (installed !== FAST_PATH_VERIFIED_SDK_VERSION) {
    return {
      on: false,
      reason: `it was verified against ${SDK_PACKAGE} ${FAST_PATH_VERIFIED_SDK_VERSION}, and ${installed ?? 'an unreadable version'} is installed`,
    };
  }
  return { on: true };
}
