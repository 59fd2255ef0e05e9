// Bounds on the shape of a JSON body, checked before JSON.parse sees it. A 2 MB `[[[…]]]` body is
// within the size limit but costs ~50 MiB of heap to parse (issue 17, defect 3); a million-element
// array costs tens of MiB. MCP messages are small and shallow, so a body nested deeper than
// MAX_JSON_DEPTH or holding more than MAX_JSON_ELEMENTS containers and members is refused without
// being parsed. The scan is one pass over the text with no allocation (about 1 ms per MiB).

/** Deepest nesting of arrays and objects accepted (an MCP request needs under 10). */
export const MAX_JSON_DEPTH = 64;
/** Most arrays, objects, array elements and object members accepted in one body. */
export const MAX_JSON_ELEMENTS = 10_000;

export type JsonShapeVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: JsonShapeVerdict = Object.freeze({ ok: true });
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * Measures nesting and element count outside strings. Each `[` and `{` opens a container and each
 * `,` separates two elements or members, so containers + commas is at least the number of values
 * minus one: a body within both bounds parses into a bounded structure. The scan only has to be
 * right for text JSON.parse would accept; for anything else it may answer either way, and the parse
 * that follows refuses it. Stops at the first bound crossed.
 */
export function checkJsonShape(text: string, maxDepth = MAX_JSON_DEPTH, maxElements = MAX_JSON_ELEMENTS): JsonShapeVerdict {
  let depth = 0;
  let elements = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH)
        i++; // the escaped character cannot end the string
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return { ok: false, reason: `the JSON body nests deeper than ${maxDepth} levels` };
      if (++elements > maxElements) return tooMany(maxElements);
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    } else if (c === COMMA) {
      if (++elements > maxElements) return tooMany(maxElements);
    }
  }
  return OK;
}

const tooMany = (max: number): JsonShapeVerdict => ({ ok: false, reason: `the JSON body holds more than ${max} arrays, objects, elements and members` });
