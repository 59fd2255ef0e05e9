// main.ts enables Node's compile cache in its body, and ESM compiles a module's whole static import
// graph before that body runs: whatever main.ts imports statically is compiled without the cache on
// every start. This keeps that graph to a few small modules of ours and Node's built-ins, so zod,
// commander and the rest load after the cache is on (dynamic imports in main.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** Value imports and re-exports (not `import type`/`export type`) of a TypeScript source. */
function staticValueImports(text: string): string[] {
  const specs: string[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"]([^'"]+)['"]/gm)) {
    const [, , typeOnly, clause, spec] = match;
    if (typeOnly) continue;
    // `import { type A, type B } from 'x'` is erased too.
    const names = /^\{([^}]*)\}$/.exec(clause!.trim())?.[1];
    if (names !== undefined && names.split(',').every((name) => name.trim() === '' || name.trim().startsWith('type '))) continue;
    specs.push(spec!);
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) specs.push(match[1]!);
  return specs;
}

/** Every module main.ts loads before its first line runs: our files, and package/built-in specifiers. */
function staticGraph(entry: string): { files: string[]; external: string[] } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticValueImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(join(root, entry));
  return { files: [...files].map((f) => relative(root, f)).sort(), external: [...external].sort() };
}

describe('main.ts static imports (compiled before the compile cache is enabled)', () => {
  it('reach only Node built-ins and a few small modules of ours', () => {
    const { files, external } = staticGraph('src/main.ts');
    expect(
      external.filter((spec) => !spec.startsWith('node:')),
      'import packages dynamically, after enableCompileCache()',
    ).toEqual([]);
    expect(files.length, `static graph: ${files.join(', ')}`).toBeLessThanOrEqual(8);
  });

  it('the import scanner sees value imports and skips type-only ones', () => {
    const text = [
      "import { a } from './unit/a.js';",
      "import type { B } from './unit/b.js';",
      "import { type C, type D } from './unit/c.js';",
      "import { type E, f } from 'pkg';",
      "export { g } from './unit/g.js';",
      "export type { H } from './unit/h.js';",
      "import './unit/side-effect.js';",
    ].join('\n');
    expect(staticValueImports(text).sort()).toEqual(['./unit/a.js', './unit/g.js', './unit/side-effect.js', 'pkg']);
  });
});
