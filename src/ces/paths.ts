// Turns a catalogue operation plus caller values into the request URL `{cesBase}/ispw/{srid}{path}?query`
// (docs/ces-api.md §1.1, §1.6). Every path value is validated and percent-encoded and the query is built
// with URLSearchParams, so no value can add a path segment or smuggle a parameter.
// Must not know about HTTP, tokens or TLS; it only builds URLs or throws `CesError('ces_input')`.
import { CesError } from './errors.js';
import type { CallInput, QueryValue } from './api.js';
import type { Operation } from './operations.js';

/** Longest path value accepted (ids, srid, action); CES ids are at most a few dozen characters. */
export const MAX_PATH_VALUE_LENGTH = 64;
/** Longest single query value accepted; filters and level names are short. */
export const MAX_QUERY_VALUE_LENGTH = 1024;

// Mainframe ids use letters, digits and the national characters `#`, `@`, `$` (encoded below);
// `.`, `_`, `~`, `-` occur in srids such as `cw09-47623`. Anything else cannot be a CES id.
const PATH_VALUE = /^[A-Za-z0-9._~@#$-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Normalises a configured CES URL to `scheme://host[:port]`: CES endpoints always live at
 * `{cesBase}/ispw/...`, and BMC clients drop any context path such as `/compuware` or `/ispw`
 * (docs/ces-api.md §1.1). Credentials in the URL are refused so they never reach logs.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CesError('ces_input', 'The CES URL is not a valid absolute URL (expected https://host:port).');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CesError('ces_input', `The CES URL must start with https:// or http://, not ${url.protocol}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new CesError('ces_input', 'The CES URL must not contain a user name or password; use the token option.');
  }
  return url.origin;
}

/** Validates one path value (srid, id or action) and returns it percent-encoded. */
export function encodePathValue(name: string, value: unknown, operation?: string): string {
  const where = operation === undefined ? {} : { operation };
  if (typeof value !== 'string' || value === '') {
    throw new CesError('ces_input', `Missing value for path parameter "${name}".`, where);
  }
  if (value.length > MAX_PATH_VALUE_LENGTH) {
    throw new CesError('ces_input', `Path parameter "${name}" is longer than ${MAX_PATH_VALUE_LENGTH} characters.`, where);
  }
  if (!PATH_VALUE.test(value) || value === '.' || value === '..') {
    throw new CesError('ces_input', `Path parameter "${name}" may contain only letters, digits and . _ ~ - @ # $ (and is not "." or "..").`, where);
  }
  return encodeURIComponent(value);
}

/** The path placeholders of a catalogue template, e.g. `['assignmentId', 'taskId']`. */
export function pathParameters(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

function queryStrings(name: string, value: QueryValue, operation: string): string[] {
  if (value === undefined || value === '') return [];
  const list: readonly unknown[] = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) {
    let text: string;
    if (typeof item === 'string') text = item;
    else if (typeof item === 'boolean') text = item ? 'true' : 'false';
    else if (typeof item === 'number' && Number.isFinite(item)) text = String(item);
    else throw new CesError('ces_input', `Query parameter "${name}" has a value of an unsupported type.`, { operation });
    // Empty list members are dropped like empty values: CES never receives `name=` (§1.6).
    if (text === '') continue;
    if (CONTROL.test(text)) {
      throw new CesError('ces_input', `Query parameter "${name}" contains control characters.`, { operation });
    }
    if (text.length > MAX_QUERY_VALUE_LENGTH) {
      throw new CesError('ces_input', `Query parameter "${name}" is longer than ${MAX_QUERY_VALUE_LENGTH} characters.`, { operation });
    }
    out.push(text);
  }
  return out;
}

/** A catalogue template split once: literal parts around the placeholders, and the parameter sets. */
interface CompiledOperation {
  /** `parts[i]` precedes `names[i]`; the last part follows the last placeholder. */
  readonly parts: readonly string[];
  readonly names: readonly string[];
  readonly wanted: ReadonlySet<string>;
  readonly query: ReadonlySet<string>;
}

// Catalogue operations are frozen module constants: each is compiled on first use, then reused.
const compiledOperations = new WeakMap<Operation<unknown>, CompiledOperation>();

function compiled(operation: Operation<unknown>): CompiledOperation {
  let entry = compiledOperations.get(operation);
  if (entry === undefined) {
    const parts: string[] = [];
    const names: string[] = [];
    let last = 0;
    for (const match of operation.path.matchAll(PLACEHOLDER)) {
      parts.push(operation.path.slice(last, match.index));
      names.push(match[1] ?? '');
      last = match.index + match[0].length;
    }
    parts.push(operation.path.slice(last));
    entry = { parts, names, wanted: new Set(names), query: new Set(operation.query) };
    compiledOperations.set(operation, entry);
  }
  return entry;
}

/**
 * Builds the path and query of one call, `/ispw/{srid}{path}?query`, exactly as `buildRequestUrl`'s
 * URL has them (`pathname + search`). Every path value passes `encodePathValue`, so no URL parser is
 * needed to keep it in its segment; the query is serialised by URLSearchParams. The CES client sends
 * this to its one origin. Throws `CesError('ces_input')` naming the offending parameter.
 */
export function buildRequestPath(srid: string, operation: Operation<unknown>, input: CallInput = {}): string {
  const { parts, names, wanted, query } = compiled(operation);
  const given = input.path ?? {};
  for (const name of Object.keys(given)) {
    if (!wanted.has(name)) {
      throw new CesError('ces_input', `Operation ${operation.id} has no path parameter "${name}".`, { operation: operation.id });
    }
  }
  let path = parts[0] ?? '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    path += encodePathValue(name, Object.hasOwn(given, name) ? given[name] : undefined, operation.id) + (parts[i + 1] ?? '');
  }
  path = `/ispw/${encodePathValue('srid', srid, operation.id)}${path}`;

  const entries = input.query === undefined ? [] : Object.entries(input.query);
  if (entries.length === 0) return path;
  const search = new URLSearchParams();
  for (const [name, value] of entries) {
    if (!query.has(name)) {
      throw new CesError('ces_input', `Operation ${operation.id} does not take query parameter "${name}".`, {
        operation: operation.id,
      });
    }
    // Several task ids are a repeated parameter, `taskId=A&taskId=B` (docs/ces-api.md §1.6).
    for (const text of queryStrings(name, value, operation.id)) search.append(name, text);
  }
  const serialised = search.toString();
  return serialised === '' ? path : `${path}?${serialised}`;
}

/**
 * Builds the full request URL for one call. `baseUrl` must already be normalised.
 * Throws `CesError('ces_input')` naming the offending parameter.
 */
export function buildRequestUrl(baseUrl: string, srid: string, operation: Operation<unknown>, input: CallInput = {}): URL {
  return new URL(buildRequestPath(srid, operation, input), baseUrl);
}
