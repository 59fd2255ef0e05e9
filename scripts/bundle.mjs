// The bundled build of the server (run by `npm run build` after tsc): src/main.ts and everything it
// imports, packages included, in dist/bundle/: ispw-mcp.mjs, the code every start needs, and chunks
// for what a command or a setting loads on demand (the HTTP transport, metrics, OpenTelemetry
// exporters, jose, the simulator, the other commands), plus a three-line entry, main.js, that turns on
// Node's compile cache and source-mapped stack traces *before* the bundle is compiled (a call inside
// the bundle would come after it). The npm package's bin and the image run the entry.
// Why chunks and not one file (docs/performance.md, optimisation 18): one file made start-up as fast
// but idle RSS 9 MB larger than the tsc build (V8 keeps the source of the whole file, and its source
// map, in memory); with chunks only what runs is read.
// Left outside, loaded from node_modules on first use as before: undici and yaml (required with
// createRequire by src/ces/transport.ts and src/shared/lazy-yaml.ts so that they load only when a CES
// request or a YAML file needs them; a bundled copy would be evaluated at start).
// The source maps have no sources inside (no TypeScript is shipped): stack traces name src/… files and
// lines of the commit the bundle was built from.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const json = (path) => JSON.parse(readFileSync(`${root}${path}`, 'utf8'));
const { version } = json('package.json');
const sdkVersion = json('node_modules/@modelcontextprotocol/server/package.json').version;
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  entryPoints: [`${root}src/main.ts`],
  outdir,
  entryNames: 'ispw-mcp',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['undici', 'yaml'],
  // Bundled CommonJS packages (pino, prom-client, commander…) call require() for Node built-ins.
  banner: { js: "import { createRequire as __ispwCreateRequire } from 'node:module';\nconst require = __ispwCreateRequire(import.meta.url);" },
  define: { __ISPW_MCP_VERSION__: JSON.stringify(version), __ISPW_MCP_BUNDLED_SDK_VERSION__: JSON.stringify(sdkVersion) },
  // Whitespace and syntax only: identifiers stay, so a stack trace is readable even without the map.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

writeFileSync(
  `${outdir}/main.js`,
  [
    '#!/usr/bin/env node',
    '// Entry of the one-file build (scripts/bundle.mjs): compile cache and source maps first, then the server.',
    "import { enableCompileCache } from 'node:module';",
    'enableCompileCache?.();',
    'process.setSourceMapsEnabled(true);',
    "await import('./ispw-mcp.mjs');",
    '',
  ].join('\n'),
  { mode: 0o755 },
);

const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
const code = outputs.filter(([file]) => file.endsWith('.mjs')).length;
process.stderr.write(`bundle: dist/bundle, ${code} files and their maps, ${(bytes / 1e6).toFixed(2)} MB (ispw-mcp ${version}, SDK ${sdkVersion})\n`);
