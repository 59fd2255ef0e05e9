// Request parsing shared by all routes: the query string (repeated keys, Jenkins' whole-query
// encoding on regress, docs/ces-api.md §1.6), the JSON body, and the `{message}` error of §5.

/** An error that becomes an HTTP reply `{message}` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A JSON reply. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Parses a raw query string into name → values. Jenkins URL-encodes the whole query on regress
 * (`?level%3DSTG2%26mname%3DX`, §1.6): a query with no `=` but an encoded one is decoded first.
 */
export function parseQuery(raw: string): Map<string, string[]> {
  let text = raw;
  if (!text.includes('=') && /%3d/i.test(text)) text = safeDecode(text.replace(/\+/g, ' '));
  const params = new Map<string, string[]>();
  if (text === '') return params;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = safeDecode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1).replace(/\+/g, ' '));
    const list = params.get(name);
    if (list) list.push(value);
    else params.set(name, [value]);
  }
  return params;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, 'Malformed percent-encoding in the query string');
  }
}

/** Read access to query parameters; empty values count as absent (clients drop them, §1.6). */
export class Query {
  constructor(readonly params: Map<string, string[]>) {}

  /** First non-empty value of `name`, trimmed. */
  get(name: string): string | undefined {
    for (const value of this.params.get(name) ?? []) {
      if (value.trim() !== '') return value.trim();
    }
    return undefined;
  }

  /** A parameter the operation cannot do without: 400 naming it otherwise. */
  required(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw new HttpError(400, `Missing required query parameter '${name}'`);
    return value;
  }

  /** Every value of a repeatable parameter (`taskId=A&taskId=B`; commas also split). */
  all(name: string): string[] {
    return (this.params.get(name) ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }

  /** `true`/`false` flags such as `includeClosedContainers` and `checkout`. */
  flag(name: string, fallback: boolean): boolean {
    const value = this.get(name);
    if (value === undefined) return fallback;
    if (/^(true|y|yes|1)$/i.test(value)) return true;
    if (/^(false|n|no|0)$/i.test(value)) return false;
    throw new HttpError(400, `Query parameter '${name}' must be true or false`);
  }

  /** Plain object form for the request log: single values as strings, repeats as arrays. */
  toRecord(): Record<string, string | string[]> {
    const record: Record<string, string | string[]> = {};
    for (const [name, values] of this.params) record[name] = values.length === 1 ? values[0]! : [...values];
    return record;
  }
}

/** Parses a request body: empty → {}; otherwise it must be a JSON object (400 if not). */
export function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'The request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Decodes one path segment; malformed escapes are a client error, not a crash. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'Malformed percent-encoding in the path');
  }
}
