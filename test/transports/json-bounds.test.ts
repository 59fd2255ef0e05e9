// The pre-parse shape check (src/transports/json-bounds.ts) against an independent oracle: for any
// JSON value, serialised with or without indentation, with strings full of brackets, commas, quotes
// and backslashes, the scan accepts exactly when the parsed value's depth and element count are
// within the bounds. Elements: every array and object, plus every array element and object member
// beyond the first of its container (what the commas separate).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { checkJsonShape, MAX_JSON_DEPTH, MAX_JSON_ELEMENTS } from '../../src/transports/json-bounds.js';

/** The oracle: nesting depth and element count of a parsed value. */
function measure(value: unknown): { depth: number; elements: number } {
  if (value === null || typeof value !== 'object') return { depth: 0, elements: 0 };
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  let depth = 0;
  let elements = 1 + Math.max(0, children.length - 1);
  for (const child of children) {
    const m = measure(child);
    depth = Math.max(depth, m.depth);
    elements += m.elements;
  }
  return { depth: depth + 1, elements };
}

// Strings (keys too) drawn from the characters that could fool a scanner.
const tricky = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', ',', '"', '\\', ':', 'a', ' ', '\n', 'é', '\u2028', '\u0000'), maxLength: 12 });
const json = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    tricky,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('JSON shape check', () => {
  it('accepts exactly the values within the depth and element bounds (property)', () => {
    fc.assert(
      fc.property(
        json,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(undefined, 0, 2, '\t'),
        (value, maxDepth, maxElements, indent) => {
          const text = JSON.stringify(value, null, indent);
          const { depth, elements } = measure(JSON.parse(text));
          expect(checkJsonShape(text, maxDepth, maxElements).ok).toBe(depth <= maxDepth && elements <= maxElements);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('refuses a 2 MB [[[…]]] at the first level past the bound, and says why', () => {
    const verdict = checkJsonShape('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(verdict).toEqual({ ok: false, reason: `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels` });
    expect(checkJsonShape('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)).ok).toBe(true);
  });

  it('counts elements across containers, and nothing inside strings', () => {
    expect(checkJsonShape(`[${'0,'.repeat(MAX_JSON_ELEMENTS - 1)}0]`).ok).toBe(true); // 1 array + 9 999 commas
    expect(checkJsonShape(`[${'0,'.repeat(MAX_JSON_ELEMENTS)}0]`).ok).toBe(false);
    expect(checkJsonShape(JSON.stringify({ text: '[,{'.repeat(100_000) })).ok).toBe(true);
    expect(checkJsonShape(JSON.stringify({ text: '\\"[[[' + '['.repeat(1000) })).ok).toBe(true);
  });
});
