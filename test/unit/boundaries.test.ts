// Architecture rules from DESIGN.md, checked over the source tree. Each failure says what to do.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
const files = (dir: string) => walk(join(root, dir)).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));
const imports = (text: string) => [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
// Comments are not code: strip them before looking for calls.
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('architecture boundaries', () => {
  it('tools never talk HTTP or MCP themselves: they use ctx.ces and the kit', () => {
    for (const f of files('src/tools')) {
      for (const spec of imports(f.text)) {
        expect(spec, `${f.path} imports ${spec}; tools must call CES through ctx.ces`).not.toMatch(/^(undici|node:https?|@modelcontextprotocol\/)/);
        expect(spec, `${f.path} imports ${spec}; tools must not reach transports/config/commands`).not.toMatch(/\/(transports|config|commands)\//);
      }
    }
  });

  it('only src/ces imports undici', () => {
    for (const f of files('src').filter((f) => !f.path.startsWith('src/ces/'))) {
      expect(imports(f.text), `${f.path}: only src/ces talks to CES`).not.toContain('undici');
    }
  });

  it('only src/main.ts reads process.env or exits the process', () => {
    for (const f of files('src').filter((f) => f.path !== 'src/main.ts')) {
      expect(code(f.text), `${f.path}: receive settings as parameters; add an option to src/config/options.ts`).not.toMatch(/process\.env|process\.exit\(/);
    }
  });

  it('nothing in src writes to stdout: it carries JSON-RPC in stdio mode', () => {
    // One marked exception: main.ts's printer for the `config check|schema` commands, which never run in serve.
    const marker = '// stdout-ok: config command output';
    for (const f of files('src')) {
      const text = f.path === 'src/main.ts' ? f.text.split('\n').filter((line) => !line.trimEnd().endsWith(marker)).join('\n') : f.text;
      expect(code(text), `${f.path}: use the logger (stderr)`).not.toMatch(/console\.(log|info|debug)|process\.stdout\.write/);
    }
    expect(files('src').flatMap((f) => f.text.split('\n').filter((line) => line.includes(marker)).map(() => f.path))).toEqual(['src/main.ts']);
  });

  it('nothing switches TLS verification off', () => {
    for (const f of [...files('src'), ...files('simulator')]) {
      expect(code(f.text), f.path).not.toMatch(/rejectUnauthorized:\s*false|NODE_TLS_REJECT_UNAUTHORIZED/);
    }
  });

  it('the simulator shares only the wire schemas with the product', () => {
    for (const f of files('simulator')) {
      for (const spec of imports(f.text).filter((s) => s.includes('/src/'))) {
        expect(spec, `${f.path} imports ${spec}`).toMatch(/\/src\/ces\/dto\//);
      }
    }
  });

  it('CES gets the raw token, never a Bearer scheme', () => {
    for (const f of files('src/ces')) expect(code(f.text), f.path).not.toMatch(/['"`]Bearer /);
  });
});
