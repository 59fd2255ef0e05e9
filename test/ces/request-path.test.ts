// buildRequestPath (compiled templates, used by the CES client on every call) against an
// independent expectation: the path is the template with each value spelled out (letters, digits
// and `. _ ~ -` as they are, `@ # $` percent-encoded by hand here), the query is the allowed
// parameters in order with arrays repeated, booleans and numbers spelled out and blanks dropped;
// anything else is refused with `ces_input` naming the parameter. Nothing here calls src/ces/paths.ts
// except the function under test, so a shared mistake cannot hide.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CallInput, QueryValue } from '../../src/ces/api.js';
import { CesError } from '../../src/ces/errors.js';
import { ops, type Operation } from '../../src/ces/operations.js';
import { buildRequestPath } from '../../src/ces/paths.js';

const PERCENT: Record<string, string> = { '@': '%40', '#': '%23', $: '%24' };
const SAFE = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-@#$'.split(''));

type Expected = { path: string; query: [string, string][] } | { refused: string };

/** The placeholders of a template, in order. */
const placeholders = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

function spellPathValue(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value.length > 64 || value === '.' || value === '..') return undefined;
  if (![...value].every((c) => SAFE.has(c))) return undefined;
  return [...value].map((c) => PERCENT[c] ?? c).join('');
}

const REFUSE = Symbol('refuse');
function spellQueryValue(value: unknown): string | undefined | typeof REFUSE {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : REFUSE;
  return REFUSE;
}

function expected(srid: string, operation: Operation<unknown>, input: CallInput): Expected {
  const names = placeholders(operation.path);
  const given = input.path ?? {};
  const unknown = Object.keys(given).find((name) => !names.includes(name));
  if (unknown) return { refused: unknown };
  const sridText = spellPathValue(srid);
  if (sridText === undefined) return { refused: 'srid' };
  let path = operation.path;
  for (const name of names) {
    const text = spellPathValue(Object.hasOwn(given, name) ? given[name] : undefined);
    if (text === undefined) return { refused: name };
    path = path.replace(`{${name}}`, text);
  }
  const query: [string, string][] = [];
  for (const [name, value] of Object.entries(input.query ?? {})) {
    if (!operation.query.includes(name)) return { refused: name };
    if (value === undefined || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = spellQueryValue(item);
      if (text === REFUSE) return { refused: name };
      if (text === undefined) continue;
      // eslint-disable-next-line no-control-regex -- control characters are what is refused
      if (/[\u0000-\u001f\u007f-\u009f]/.test(text) || text.length > 1024) return { refused: name };
      query.push([name, text]);
    }
  }
  return { path: `/ispw/${sridText}${path}`, query };
}

/** What buildRequestPath did, in the same terms. */
function actual(srid: string, operation: Operation<unknown>, input: CallInput): Expected {
  let built: string;
  try {
    built = buildRequestPath(srid, operation, input);
  } catch (error) {
    if (!(error instanceof CesError) || error.code !== 'ces_input') throw error;
    return { refused: /"([^"]+)"/.exec(error.message)?.[1] ?? 'srid' };
  }
  const [path, search = ''] = built.split('?') as [string, string?];
  return { path, query: [...new URLSearchParams(search).entries()] };
}

const OPERATIONS = Object.values(ops) as Operation<unknown>[];
const idChar = fc.constantFrom(...'ABCXYZabcxyz0189._~-@#$/?%&= '.split(''));
const value = fc.oneof(
  fc.array(idChar, { minLength: 1, maxLength: 12 }).map((c) => c.join('')),
  fc.constantFrom('', '.', '..', 'A'.repeat(65)),
  fc.string({ maxLength: 20, unit: 'binary' }),
);
const queryValue: fc.Arbitrary<QueryValue> = fc.oneof(
  value,
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(Number.NaN, undefined, 1.5),
  fc.array(value, { maxLength: 3 }),
);

describe('buildRequestPath', () => {
  it('builds what the independent expectation says, or refuses the same parameter, for every operation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATIONS),
        value,
        fc.array(value, { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('level', 'taskId', 'rtConfig', 'mname', 'nope', 'approver'), queryValue, { maxKeys: 3 }),
        fc.boolean(),
        (operation, srid, values, query, extra) => {
          const path: Record<string, string> = Object.fromEntries(placeholders(operation.path).map((name, i) => [name, values[i] ?? 'X1']));
          if (extra) path.unknownParam = 'X';
          const input: CallInput = { path, query };
          const want = expected(srid, operation, input);
          const got = actual(srid, operation, input);
          // Which of several bad parameters is named first is not part of the contract; that one is.
          if ('refused' in want) expect(got).toHaveProperty('refused');
          else expect(got).toEqual(want);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('spells out national characters and builds every catalogue path, reusing nothing between calls', () => {
    expect(buildRequestPath('CW09-47623', ops.getSet, { path: { setId: 'S#1@$' } })).toBe('/ispw/CW09-47623/sets/S%231%40%24');
    for (const operation of OPERATIONS) {
      const first = Object.fromEntries(placeholders(operation.path).map((name) => [name, 'A1']));
      const second = Object.fromEntries(placeholders(operation.path).map((name) => [name, 'B@2']));
      expect(buildRequestPath('ISPW', operation, { path: first })).toBe(`/ispw/ISPW${operation.path.replace(/\{\w+\}/g, 'A1')}`);
      expect(buildRequestPath('SR#9', operation, { path: second })).toBe(`/ispw/SR%239${operation.path.replace(/\{\w+\}/g, 'B%402')}`);
      expect(buildRequestPath('ISPW', operation, { path: first })).not.toContain('B%402');
    }
  });
});
