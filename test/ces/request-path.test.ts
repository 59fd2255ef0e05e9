// buildRequestPath (compiled templates, no URL parser, used by the CES client on every call) must
// produce exactly what the per-call URL construction it replaced produced — path, query and error —
// for every catalogue operation. The oracle below is that construction, kept verbatim.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CallInput, QueryValue } from '../../src/ces/api.js';
import { CesError } from '../../src/ces/errors.js';
import { ops, type Operation } from '../../src/ces/operations.js';
import { buildRequestPath, encodePathValue, pathParameters } from '../../src/ces/paths.js';

const BASE = 'https://ces.example.com:48226';
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
// eslint-disable-next-line no-control-regex -- as in paths.ts
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function oracleQueryStrings(name: string, value: QueryValue, operation: string): string[] {
  if (value === undefined || value === '') return [];
  const list: readonly unknown[] = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) {
    let text: string;
    if (typeof item === 'string') text = item;
    else if (typeof item === 'boolean') text = item ? 'true' : 'false';
    else if (typeof item === 'number' && Number.isFinite(item)) text = String(item);
    else throw new CesError('ces_input', `Query parameter "${name}" has a value of an unsupported type.`, { operation });
    if (text === '') continue;
    if (CONTROL.test(text)) throw new CesError('ces_input', `Query parameter "${name}" contains control characters.`, { operation });
    if (text.length > 1024) throw new CesError('ces_input', `Query parameter "${name}" is longer than 1024 characters.`, { operation });
    out.push(text);
  }
  return out;
}

/** The per-call construction before templates were compiled (paths.ts, issue #7 third pass). */
function oracle(srid: string, operation: Operation<unknown>, input: CallInput = {}): string {
  const given = input.path ?? {};
  const wanted = new Set(pathParameters(operation.path));
  for (const name of Object.keys(given)) {
    if (!wanted.has(name)) throw new CesError('ces_input', `Operation ${operation.id} has no path parameter "${name}".`, { operation: operation.id });
  }
  const path = operation.path.replace(PLACEHOLDER, (_match, name: string) =>
    encodePathValue(name, Object.hasOwn(given, name) ? given[name] : undefined, operation.id),
  );
  const url = new URL(`/ispw/${encodePathValue('srid', srid, operation.id)}${path}`, BASE);
  const allowed = new Set(operation.query);
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (!allowed.has(name)) throw new CesError('ces_input', `Operation ${operation.id} does not take query parameter "${name}".`, { operation: operation.id });
    for (const text of oracleQueryStrings(name, value, operation.id)) url.searchParams.append(name, text);
  }
  return `${url.pathname}${url.search}`;
}

/** The path, or the error's code and message, of a construction. */
function outcome(build: () => string): string {
  try {
    return build();
  } catch (error) {
    if (!(error instanceof CesError)) throw error;
    return `${error.code}: ${error.message}`;
  }
}

const OPERATIONS = Object.values(ops) as Operation<unknown>[];
const idChar = fc.constantFrom(...'ABCXYZabcxyz0189._~-@#$/?%&= '.split(''));
const value = fc.oneof(fc.array(idChar, { minLength: 1, maxLength: 12 }).map((c) => c.join('')), fc.constantFrom('', '.', '..', 'A'.repeat(65)), fc.string({ maxLength: 20, unit: 'binary' }));
const queryValue: fc.Arbitrary<QueryValue> = fc.oneof(
  value,
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(Number.NaN, undefined, 1.5),
  fc.array(value, { maxLength: 3 }),
);

describe('buildRequestPath', () => {
  it('equals the per-call URL construction for every operation, valid or not', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPERATIONS), value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.constantFrom('level', 'taskId', 'rtConfig', 'mname', 'nope', 'approver'), queryValue, { maxKeys: 3 }), fc.boolean(), (operation, srid, values, query, extra) => {
        const names = pathParameters(operation.path);
        const path: Record<string, string> = Object.fromEntries(names.map((name, i) => [name, values[i] ?? 'X1']));
        if (extra) path.unknownParam = 'X';
        const input: CallInput = { path, query };
        expect(outcome(() => buildRequestPath(srid, operation, input))).toBe(outcome(() => oracle(srid, operation, input)));
      }),
      { numRuns: 3000 },
    );
  });

  it('builds the path of every catalogue operation with valid ids, and reuses nothing between calls', () => {
    for (const operation of OPERATIONS) {
      const first = Object.fromEntries(pathParameters(operation.path).map((name) => [name, 'A1']));
      const second = Object.fromEntries(pathParameters(operation.path).map((name) => [name, 'B@2']));
      expect(buildRequestPath('ISPW', operation, { path: first })).toBe(oracle('ISPW', operation, { path: first }));
      expect(buildRequestPath('SR#9', operation, { path: second })).toBe(oracle('SR#9', operation, { path: second }));
      expect(buildRequestPath('ISPW', operation, { path: first })).not.toContain('B%402');
    }
  });
});
