// ESLint for the whole repository: typescript-eslint's type-aware recommended rules, Prettier for
// layout (eslint-config-prettier turns the layout rules off), and the architecture as lint rules
// (docs/architecture.md, "Layers and boundaries"). Each boundary message says what to do instead;
// test/lint/boundaries.test.ts proves every boundary rule fires on a bad input.
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Layers of src/, lowest first: a folder may import only the folders listed for it (and itself).
// Together they form no cycle; import-x/no-cycle catches cycles between files inside a layer.
const LAYERS = {
  shared: [],
  ces: ['shared'],
  telemetry: ['shared', 'ces'],
  config: ['shared', 'ces', 'telemetry'],
  audit: ['shared', 'ces', 'telemetry'],
  'mcp/kit': ['shared', 'ces'],
  tools: ['ces', 'mcp/kit'],
  auth: ['shared', 'ces', 'telemetry', 'config', 'mcp/kit'],
  policy: ['shared', 'ces', 'telemetry', 'config', 'auth', 'mcp/kit'],
  mcp: ['shared', 'ces', 'telemetry', 'audit', 'mcp/kit'],
  transports: ['shared', 'ces', 'telemetry', 'auth', 'mcp', 'mcp/kit'],
  app: ['shared', 'ces', 'telemetry', 'config', 'audit', 'auth', 'policy', 'mcp', 'mcp/kit', 'tools'],
  commands: ['shared', 'ces', 'telemetry', 'config', 'audit', 'auth', 'policy', 'mcp', 'mcp/kit', 'tools', 'transports', 'app'],
};
const FOLDERS = [...Object.keys(LAYERS), 'main.ts'];

/** no-restricted-paths zones: for each layer, every other src folder it must not import. */
const layerZones = Object.entries(LAYERS).flatMap(([layer, allowed]) => {
  const message = `src/${layer} may import only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'nothing else in src'} (docs/architecture.md, "Layers and boundaries").`;
  const forbidden = FOLDERS.filter((folder) => folder !== layer && !allowed.includes(folder));
  return forbidden.map((folder) => ({
    // src/mcp/kit sits below src/mcp: src/mcp's zone is its own files, and a ban of src/mcp leaves kit allowed where it is.
    target: layer === 'mcp' ? './src/mcp/*.ts' : `./src/${layer}`,
    from: `./src/${folder}`,
    ...(folder === 'mcp' && (allowed.includes('mcp/kit') || layer === 'mcp/kit') ? { except: ['./kit'] } : {}),
    message,
  }));
});

// undici is the CES transport: loading it anywhere but src/ces (statically, through import() or a
// require made with createRequire) would let a second HTTP client bypass TLS, egress and auth rules.
const UNDICI = /^undici(\/|$)/.source;
const undiciOutsideCes = [
  { selector: `ImportExpression[source.value=/${UNDICI}/]`, message: 'Only src/ces loads undici: call CES through ctx.ces or a CesTarget.' },
  {
    selector: `ImportExpression > TemplateLiteral[quasis.0.value.raw=/${UNDICI}/]`,
    message: 'Only src/ces loads undici: call CES through ctx.ces or a CesTarget.',
  },
  { selector: `CallExpression[arguments.0.value=/${UNDICI}/]`, message: 'Only src/ces loads undici (no require or createRequire of it elsewhere).' },
];
const noTlsBypass = {
  selector: "Property[key.name='rejectUnauthorized'][value.value=false]",
  message: 'TLS verification is never switched off; configure a CA bundle instead.',
};
const noEnvDestructuring = {
  selector: "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name=/^(env|exit|stdout)$/]",
  message: 'Only src/main.ts reads the environment or exits: receive settings as parameters (src/config/options.ts).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', 'charts/**', 'deploy/**', 'coverage/**', 'test/lint/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts', 'vitest.*.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver()] },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `typeof import('x')` types the modules loaded lazily (start-up cost, docs/performance.md).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Async functions that implement a Promise-returning interface without awaiting are idiomatic here.
      '@typescript-eslint/require-await': 'off',
      // The SDK's error codes are numeric enums compared with the numbers JSON-RPC carries.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Values printed with String() are CES text, numbers and error codes; the rule cannot see that.
      '@typescript-eslint/no-base-to-string': 'off',
      // TypeScript's definite-assignment analysis needs some initialisations this rule calls useless.
      'no-useless-assignment': 'off',
      // An AbortSignal's reason (typed any/unknown) is rethrown as it is: it is what the caller aborted with.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    // Tests and tooling read JSON from processes, files and HTTP: typed as any, checked by assertions.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/main.ts reads the environment: receive settings as parameters (src/config/options.ts).' },
        { object: 'process', property: 'exit', message: 'Only src/main.ts exits the process: return an exit code.' },
        { object: 'process', property: 'stdout', message: 'stdout carries JSON-RPC in stdio mode: log to stderr with the logger.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'undici', message: 'Only src/ces loads undici: call CES through ctx.ces or a CesTarget.' },
            { name: 'node:process', importNames: ['env', 'exit', 'stdout'], message: 'Only src/main.ts reads the environment or exits.' },
            { name: 'process', importNames: ['env', 'exit', 'stdout'], message: 'Only src/main.ts reads the environment or exits.' },
          ],
          patterns: [{ regex: '^undici/', message: 'Only src/ces loads undici.' }],
        },
      ],
      'no-restricted-syntax': ['error', ...undiciOutsideCes, noTlsBypass, noEnvDestructuring],
    },
  },
  {
    files: ['src/ces/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-syntax': [
        'error',
        noTlsBypass,
        noEnvDestructuring,
        { selector: 'Literal[value=/^Bearer /]', message: 'CES gets the raw token in Authorization, never a Bearer scheme (docs/ces-api.md §1.3).' },
      ],
    },
  },
  {
    files: ['src/tools/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'undici', message: 'Tools call CES through ctx.ces.' }],
          patterns: [
            {
              regex: '^(undici|node:https?|node:net|node:tls|node:fs|@modelcontextprotocol/)',
              message: 'Tools use ctx.ces and the kit (src/mcp/kit), never HTTP, files or the SDK.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-syntax': ['error', noTlsBypass] },
  },
  {
    files: ['simulator/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './simulator',
              from: './src',
              except: ['./ces/dto'],
              message: 'The simulator is independent of src/: it may share only the wire schemas (src/ces/dto).',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', noTlsBypass],
    },
  },
  prettier,
);
