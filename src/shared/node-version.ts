// The oldest Node.js the server runs on, and the start-up check that enforces it. On an older Node
// the server used to start and print its URL, and then every tool call failed inside undici with a
// bare TypeError ("Cannot reach CES … (TypeError)"), which sent people looking for network faults.
// main.ts runs this check before it loads anything that needs a newer Node (commander, undici,
// OpenTelemetry): keep this module free of imports so it evaluates on any Node that parses it.

/**
 * The highest `engines.node` floor of the runtime dependencies (undici 8: >=22.19.0). package.json's
 * `engines` and the README say the same; test/unit/node-version.test.ts checks all three against
 * the installed dependencies.
 */
export const MINIMUM_NODE = '22.19.0';

const parts = (version: string): number[] =>
  version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);

/** Whether `version` (e.g. `20.20.2` or `v24.1.0`) is at least `minimum`. */
export function nodeVersionAtLeast(version: string, minimum = MINIMUM_NODE): boolean {
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < 3; i++) {
    const diff = (have[i] ?? 0) - (need[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

/** The message for an unsupported Node, or undefined when `version` is new enough. */
export function unsupportedNodeMessage(version: string, execPath: string): string | undefined {
  if (nodeVersionAtLeast(version)) return undefined;
  return [
    `ispw-mcp needs Node.js ${MINIMUM_NODE} or later, but this is Node.js ${version.replace(/^v/, '')} (${execPath}).`,
    'Install Node.js 24 LTS — from https://nodejs.org/en/download, with your package manager, or `nvm install 24` —',
    'and start ispw-mcp with it. In a clone of the repository, `npm run demo` and `npm run test:all` install a pinned',
    'Node 24 under .tools/ and use it themselves; the container image ships Node 24.',
  ].join('\n');
}
