// Test helpers: start a simulator on loopback and talk to it over real HTTP with global fetch.
import { afterEach } from 'vitest';

import { DEMO, startSimulator } from '../../simulator/index.js';
import type { RunningSimulator, SimulatorOptions } from '../../simulator/index.js';

export const TOKEN = '3837ae52-de34-4068-9c2a-3e2ddc7e9fed';
export const SRID = DEMO.srid;

const started: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

/** Starts a simulator that is closed after the current test. */
export async function simulator(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ tokens: [TOKEN], stepMs: 0, ...options });
  started.push(sim);
  return sim;
}

/** A hand-driven clock. */
export function manualClock(start = Date.UTC(2026, 10, 3, 9, 30)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  query?: Record<string, string | string[]>;
  body?: unknown;
  /** Raw body text (overrides `body`). */
  raw?: string;
  headers?: Record<string, string>;
  /** Authorization header value; null sends none. */
  token?: string | null;
}

/** Calls `/ispw/{srid}{path}` (or an absolute path starting with `//`) and parses the JSON reply. */
export async function call(sim: RunningSimulator, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL(path.startsWith('//') ? path.slice(1) : `/ispw/${SRID}${path}`, sim.url);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, v);
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization = token;
  const body = options.raw ?? (options.body === undefined ? (method === 'POST' ? '{}' : undefined) : JSON.stringify(options.body));
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
