// Webhook callbacks of set-creating requests (docs/ces-api.md §4.4): a body's `events` asks CES to
// call URLs when the set ends. BMC does not document the exact names; the simulator accepts the
// spellings BMC's and third-party clients send — completed/complete, failed, terminated, deleted,
// case-insensitively — and substitutes `$$setid$$` in the URL and body, as Jenkins' example relies
// on. Top-level `credentials` and `httpHeaders` are defaults for every event (per-event ones win);
// credentials become HTTP basic authentication. Sets advance lazily (set-engine.ts), so a ticker
// settles the estate while any set with callbacks is still running.
import type { CesSet, Estate } from './estate.js';
import { HttpError } from './http.js';

export interface EventCallback {
  name: string;
  url: string;
  method: 'POST' | 'PUT' | 'GET';
  body?: string;
  headers: Record<string, string>;
}

/** One callback the simulator made (for tests and benchmarks). */
export interface CallbackRecord {
  setId: string;
  event: string;
  url: string;
  /** When it was sent (simulator clock). */
  time: number;
  /** The receiver's HTTP status, or the network error. */
  status?: number;
  error?: string;
}

type Body = Record<string, unknown>;

/** The `events` of a SetOptions body, validated; undefined when there are none. */
export function parseEvents(body: Body): EventCallback[] | undefined {
  if (body.events === undefined || body.events === null) return undefined;
  if (!Array.isArray(body.events)) throw new HttpError(400, "Field 'events' must be an array");
  const defaults = { headers: headersOf(body.httpHeaders, 'httpHeaders'), auth: basicAuth(body.credentials, 'credentials') };
  return body.events.map((raw, i) => {
    if (typeof raw !== 'object' || raw === null) throw new HttpError(400, `events[${i}] must be an object`);
    const event = raw as Body;
    const name = typeof event.name === 'string' ? event.name.trim() : '';
    if (!name) throw new HttpError(400, `events[${i}].name is required`);
    const url = typeof event.url === 'string' ? event.url.trim() : '';
    if (!/^https?:\/\/[^\s]+$/i.test(url)) throw new HttpError(400, `events[${i}].url must be an http(s) URL`);
    const method = typeof event.method === 'string' ? event.method.toUpperCase() : 'POST';
    if (method !== 'POST' && method !== 'PUT' && method !== 'GET') throw new HttpError(400, `events[${i}].method must be POST, PUT or GET`);
    const headers = { ...defaults.headers, ...headersOf(event.httpHeaders, `events[${i}].httpHeaders`) };
    const auth = basicAuth(event.credentials, `events[${i}].credentials`) ?? defaults.auth;
    if (auth) headers.authorization = auth;
    return { name, url, method, ...(typeof event.body === 'string' && { body: event.body }), headers };
  });
}

function headersOf(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw new HttpError(400, `Field '${field}' must be an array of {name, value}`);
  const headers: Record<string, string> = {};
  for (const entry of value as Body[]) {
    if (typeof entry?.name !== 'string' || typeof entry.value !== 'string') throw new HttpError(400, `Field '${field}' must be an array of {name, value}`);
    headers[entry.name.toLowerCase()] = entry.value;
  }
  return headers;
}

function basicAuth(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const c = value as Body;
  if (typeof c.username !== 'string' || typeof c.password !== 'string') throw new HttpError(400, `Field '${field}' must be {username, password}`);
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

const EVENT_OF_STATE: Record<string, RegExp> = {
  Closed: /^completed?$/i,
  Complete: /^completed?$/i,
  Failed: /^failed$/i,
  Terminated: /^terminated$/i,
  Deleted: /^deleted$/i,
};

export interface CallbackDispatcherOptions {
  /** How often running sets with callbacks are settled (ms, default 50). */
  tickMs?: number;
  /** Delay before each callback is sent (ms, default 0): CES's own latency. */
  delayMs?: number;
  /** false: accept `events` but never call back (a CES that does not support them). */
  send?: boolean;
  maxRecorded?: number;
}

/** Calls back the sets of `estate.watchedSets` once they end. */
export class CallbackDispatcher {
  readonly records: CallbackRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly lifetime = new AbortController();

  constructor(
    private readonly estate: Estate,
    private readonly options: CallbackDispatcherOptions = {},
  ) {}

  /** Starts ticking if a set with callbacks is waiting to end (call after each request). */
  poke(): void {
    if (this.timer || this.estate.watchedSets.size === 0 || this.lifetime.signal.aborted) return;
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 50);
    this.timer.unref();
  }

  close(): void {
    this.lifetime.abort();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    this.estate.settle();
    for (const setId of [...this.estate.watchedSets]) {
      const set = this.estate.sets.get(setId);
      const state = set ? set.state : 'Deleted';
      const match = EVENT_OF_STATE[state];
      if (!match) continue;
      this.estate.watchedSets.delete(setId);
      if (this.options.send === false) continue;
      const events = this.estate.callbacksOf.get(setId) ?? [];
      this.estate.callbacksOf.delete(setId);
      for (const event of events) if (match.test(event.name)) this.fire(setId, set, event);
    }
    if (this.estate.watchedSets.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private fire(setId: string, set: CesSet | undefined, event: EventCallback): void {
    const fill = (text: string) => text.replace(/\$\$setid\$\$/gi, setId).replace(/\$\$level\$\$/gi, set?.level ?? '');
    const record: CallbackRecord = { setId, event: event.name, url: fill(event.url), time: this.estate.now() };
    this.records.push(record);
    if (this.records.length > (this.options.maxRecorded ?? 10_000)) this.records.shift();
    const send = async () => {
      if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs).unref());
      const response = await fetch(record.url, {
        method: event.method,
        headers: event.headers,
        ...(event.method !== 'GET' && event.body !== undefined && { body: fill(event.body) }),
        signal: AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(10_000)]),
      });
      await response.body?.cancel();
      record.status = response.status;
    };
    send().catch((error: unknown) => {
      record.error = error instanceof Error ? error.message : String(error);
    });
  }
}
