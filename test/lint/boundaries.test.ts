// The architecture rules of eslint.config.mjs, each shown to fire on a bad input and to stay quiet
// on the good one: the real ESLint with the project's own configuration lints small fixtures placed
// (virtually) in the folders the rules are about. Type-aware rules are switched off here: the
// boundary rules do not need types, and the fixtures are not files of the TypeScript project.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** The rule ids that fire for `code` as if it were the file at `path`. */
async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, `fixture ${path} does not parse`).toEqual([]);
  return result!.messages.map((m) => String(m.ruleId));
}

describe('lint boundaries', () => {
  it('tools import only src/ces and src/mcp/kit', async () => {
    expect(
      await rulesFor(
        'src/tools/sets/fixture.ts',
        "import { ops } from '../../ces/operations.js';\nimport { defineTool } from '../../mcp/kit/define-tool.js';\nexport { ops, defineTool };\n",
      ),
    ).toEqual([]);
    expect(await rulesFor('src/tools/sets/fixture.ts', "import { principalOf } from '../../auth/principal.js';\nexport { principalOf };\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesFor('src/tools/sets/fixture.ts', "import { toolCallback } from '../../mcp/call.js';\nexport { toolCallback };\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesFor('src/tools/sets/fixture.ts', "import { request } from 'node:https';\nexport { request };\n")).toContain('no-restricted-imports');
  });

  it('only src/ces loads undici: static import, import(), require and createRequire', async () => {
    expect(await rulesFor('src/ces/fixture.ts', "import { Agent } from 'undici';\nexport { Agent };\n")).toEqual([]);
    expect(await rulesFor('src/mcp/fixture.ts', "import { Agent } from 'undici';\nexport { Agent };\n")).toContain('no-restricted-imports');
    expect(await rulesFor('src/mcp/fixture.ts', "export const load = () => import('undici');\n")).toContain('no-restricted-syntax');
    expect(await rulesFor('src/mcp/fixture.ts', 'export const load = () => import(`undici`);\n')).toContain('no-restricted-syntax');
    expect(
      await rulesFor('src/shared/fixture.ts', "import { createRequire } from 'node:module';\nexport const agent = createRequire(import.meta.url)('undici');\n"),
    ).toContain('no-restricted-syntax');
    expect(
      await rulesFor(
        'src/shared/fixture.ts',
        "import { createRequire } from 'node:module';\nconst load = createRequire(import.meta.url);\nexport const pool = load('undici/lib/pool');\n",
      ),
    ).toContain('no-restricted-syntax');
  });

  it('only src/main.ts reads the environment or exits', async () => {
    expect(await rulesFor('src/main.ts', 'export const level = process.env.LOG_LEVEL;\n')).toEqual([]);
    expect(await rulesFor('src/config/fixture.ts', 'export const level = process.env.LOG_LEVEL;\n')).toContain('no-restricted-properties');
    expect(await rulesFor('src/config/fixture.ts', 'const { env } = process;\nexport const level = env.LOG_LEVEL;\n')).toContain('no-restricted-syntax');
    expect(await rulesFor('src/config/fixture.ts', "import { env } from 'node:process';\nexport const level = env.LOG_LEVEL;\n")).toContain(
      'no-restricted-imports',
    );
    expect(await rulesFor('src/commands/fixture.ts', 'export const stop = () => process.exit(1);\n')).toContain('no-restricted-properties');
  });

  it('layers import downwards only: no cycle between folders', async () => {
    // telemetry sits below auth, audit and config; the kit below the server; ces below everything.
    expect(await rulesFor('src/telemetry/fixture.ts', "import type { Principal } from '../auth/principal.js';\nexport type P = Principal;\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesFor('src/mcp/kit/fixture.ts', "import { toolCallback } from '../call.js';\nexport { toolCallback };\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesFor('src/mcp/fixture.ts', "import { guardCall } from '../policy/guard.js';\nexport { guardCall };\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesFor('src/ces/fixture.ts', "import type { Config } from '../config/schema.js';\nexport type C = Config;\n")).toContain(
      'import-x/no-restricted-paths',
    );
    expect(await rulesFor('src/policy/fixture.ts', "import type { ChangeSubject } from '../mcp/kit/access.js';\nexport type S = ChangeSubject;\n")).toEqual([]);
  });

  it('stdout, TLS verification and the CES token scheme', async () => {
    expect(await rulesFor('src/mcp/fixture.ts', "export const say = () => console.log('hi');\n")).toContain('no-console');
    expect(await rulesFor('src/mcp/fixture.ts', "export const say = () => process.stdout.write('hi');\n")).toContain('no-restricted-properties');
    expect(await rulesFor('src/ces/fixture.ts', 'export const tls = { rejectUnauthorized: false };\n')).toContain('no-restricted-syntax');
    expect(await rulesFor('simulator/fixture.ts', 'export const tls = { rejectUnauthorized: false };\n')).toContain('no-restricted-syntax');
    expect(await rulesFor('src/ces/fixture.ts', "export const header = (token: string) => 'Bearer ' + token;\n")).toContain('no-restricted-syntax');
  });

  it('the simulator shares only the wire schemas with src', async () => {
    expect(await rulesFor('simulator/fixture.ts', "import { SetInfo } from '../src/ces/dto/sets.js';\nexport { SetInfo };\n")).toEqual([]);
    expect(await rulesFor('simulator/fixture.ts', "import { ops } from '../src/ces/operations.js';\nexport { ops };\n")).toContain(
      'import-x/no-restricted-paths',
    );
  });
});
