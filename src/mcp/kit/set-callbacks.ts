// CES callbacks that wake set waits (issue 19, docs/performance.md "CES callbacks"). Where a site
// lets CES call the server back, a set-creating call that waits asks CES, in the request's `events`
// (docs/ces-api.md §4.4), to POST to this replica when the set completes, fails or is terminated.
// The callback carries no trust: it only ends the current sleep of that wait, which then reads the
// set from CES as every poll does. So a forged, repeated or late callback can at most cause one
// early read of a set the caller is already waiting on (and at most MAX_WAKES of them per wait),
// and a callback that never comes, or reaches another replica, costs only detection time: the wait
// goes on polling at its (longer) fallback interval.
//
// The URL holds a random id per wait, not a secret: knowing it grants that one early read, nothing
// else. CES's support for `events` is not confirmed by BMC's documentation for every event name
// (docs/ces-api.md §4.4 marks names and placeholders UNCERTAIN), so this is off unless configured.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** The callback path under the listener: `/ces-events/{id}`. */
export const CALLBACK_PATH_PREFIX = '/ces-events/';
/** Early reads one wait may be woken for; more callbacks for it are answered but ignored. */
export const MAX_WAKES = 8;
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface SetCallbackSettings {
  /** Base URL CES calls back, e.g. https://ispw-mcp.example.com; `{hostname}` becomes this replica's host name. */
  url: string;
  /** Event names asked for (docs/ces-api.md §4.4). */
  events: readonly string[];
  /** Longest interval between polls while a callback is expected (the fallback when none comes). */
  maxPollIntervalMs: number;
}

/** One wait's registration: what to put in the CES request body, and the wake-ups it receives. */
export interface SetCallback {
  /** `events` for the set-creating request body. */
  readonly events: { name: string; url: string; method: 'POST'; body: string }[];
  /** Longest interval between polls of this wait. */
  readonly maxPollIntervalMs: number;
  /** Takes the wake-up a callback left since the last take: true if there was one. */
  takeWake(): boolean;
  /** Calls `listener` when a callback arrives, until the returned function is called. */
  onWake(listener: () => void): () => void;
  /** Ends the registration: later callbacks for it are unknown. */
  close(): void;
}

export type CallbackReceipt = 'woken' | 'ignored' | 'unknown';

export interface SetCallbackStats {
  woken: number;
  ignored: number;
  unknown: number;
}

interface Registration {
  /** A callback arrived that no poll has answered yet. */
  pending: boolean;
  wakes: number;
  listener: (() => void) | undefined;
}

export class SetCallbacks {
  readonly stats: SetCallbackStats = { woken: 0, ignored: 0, unknown: 0 };
  private readonly open = new Map<string, Registration>();
  private readonly base: string;

  constructor(
    private readonly settings: SetCallbackSettings,
    host = hostname(),
  ) {
    this.base = settings.url.replaceAll('{hostname}', host).replace(/\/+$/, '');
  }

  /** Waits registered now. */
  get size(): number {
    return this.open.size;
  }

  register(): SetCallback {
    const id = randomBytes(16).toString('base64url');
    const entry: Registration = { pending: false, wakes: 0, listener: undefined };
    this.open.set(id, entry);
    const url = `${this.base}${CALLBACK_PATH_PREFIX}${id}`;
    // `$$setid$$` is the placeholder BMC's Jenkins example uses; the body is only informational here.
    const events = this.settings.events.map((name) => ({ name, url, method: 'POST' as const, body: '$$setid$$' }));
    return {
      events,
      maxPollIntervalMs: this.settings.maxPollIntervalMs,
      takeWake: () => {
        const pending = entry.pending;
        entry.pending = false;
        return pending;
      },
      onWake: (listener) => {
        entry.listener = listener;
        return () => {
          if (entry.listener === listener) entry.listener = undefined;
        };
      },
      close: () => {
        this.open.delete(id);
        entry.listener = undefined;
      },
    };
  }

  /** A callback arrived for `id` (the last path segment): wake its wait. */
  receive(id: string): CallbackReceipt {
    const entry = ID_PATTERN.test(id) ? this.open.get(id) : undefined;
    if (!entry) {
      this.stats.unknown++;
      return 'unknown';
    }
    if (entry.wakes >= MAX_WAKES) {
      this.stats.ignored++;
      return 'ignored';
    }
    entry.wakes++;
    entry.pending = true;
    entry.listener?.();
    this.stats.woken++;
    return 'woken';
  }
}
