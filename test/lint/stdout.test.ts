// What lint cannot say on its own: src/main.ts is exempt from the stdout rule (its `config check`
// and `config schema` printers write the command's output there), but only on lines marked as
// such, and no other file carries the marker. Everything else about stdout is a lint rule
// (no-console, no-restricted-properties in eslint.config.mjs; test/lint/boundaries.test.ts).
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
// Comments are not code: strip them before looking for calls.
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('stdout in src/main.ts', () => {
  it('is written only on lines marked as config command output, and only main.ts has such lines', () => {
    const marker = '// stdout-ok: config command output';
    const main = files('src').find((f) => f.path === 'src/main.ts')!;
    const unmarked = main.text
      .split('\n')
      .filter((line) => !line.trimEnd().endsWith(marker))
      .join('\n');
    expect(code(unmarked), 'src/main.ts: use the logger (stderr)').not.toMatch(/console\.(log|info|debug)|process\.stdout\.write/);
    expect(
      files('src').flatMap((f) =>
        f.text
          .split('\n')
          .filter((line) => line.includes(marker))
          .map(() => f.path),
      ),
    ).toEqual(['src/main.ts']);
  });
});
