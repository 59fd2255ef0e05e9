// Public types of the simulator: start options, the running handle and the request log entries.
import type { IncomingHttpHeaders } from 'node:http';

import type { CallbackDispatcherOptions, CallbackRecord } from './callbacks.js';
import type { Estate, SetRealism } from './estate.js';
import type { FaultRule } from './faults.js';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Accepted CES tokens, raw (sent as `Authorization: <token>`, docs/ces-api.md §1.3). */
  tokens: string[];
  /** PEM client certificates accepted for certificate authentication (docs/ces-api.md §1.3); none: tokens only. */
  certificates?: string[];
  /** Default ['CW09-47623']. */
  srids?: string[];
  /** Time each running set state lasts; default 1000. With 0, sets complete on the next read. */
  stepMs?: number;
  /** Real-CES behaviours a client must cope with (set actions that show late, sets that close with failed tasks, …); all off by default. */
  realism?: Partial<SetRealism>;
  /** `-await` endpoints give up after this (default 30000). */
  awaitTimeoutMs?: number;
  /**
   * How often a held `-await` reply looks at its set (default 10 ms, so an injected clock is followed
   * promptly). Load tests holding hundreds of awaits on the real clock raise it: the wake-up never
   * comes later than the set's end anyway.
   */
  awaitPollMs?: number;
  /** PEM strings; turns the server into HTTPS. */
  tls?: { cert: string; key: string; ca?: string; requireClientCert?: boolean };
  /** Initial fault rules (`setFaults` replaces them). */
  faults?: FaultRule[];
  /** Injectable clock (default Date.now). */
  now?: () => number;
  /** Default 'demo'. */
  seed?: 'demo' | 'empty';
  /** Status of successful POSTs (default 200). */
  postStatus?: 200 | 201;
  /** Random source for fault `rate`s (default Math.random). */
  random?: () => number;
  /** Request log cap; older entries are dropped (default 10000). */
  maxRecordedRequests?: number;
  /** Called for every request as it is recorded: counters for load tests that keep no log. */
  onRequest?: (method: string, path: string) => void;
  /** Webhook callbacks of sets created with `events` (callbacks.ts): latency, or none at all. */
  callbacks?: CallbackDispatcherOptions;
}

export interface RecordedRequest {
  method: string;
  /** The request target exactly as received (path and query string, still encoded). */
  rawPath: string;
  /** Decoded path without the query string. */
  path: string;
  /** Parsed query; repeated keys (`taskId=A&taskId=B`) give arrays. */
  query: Record<string, string | string[]>;
  /** Lower-case header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** Clock time the request arrived. */
  time: number;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:48080 (scheme://host:port, no path). */
  url: string;
  port: number;
  srids: string[];
  /** Replaces the fault rules (including those given at start). */
  setFaults(rules: FaultRule[]): void;
  /** Newest last. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** Webhook callbacks made for sets created with `events` (docs/ces-api.md §4.4), oldest first. */
  readonly callbacks: readonly CallbackRecord[];
  /** Read access for tests (e.g. task levels); call `estate.settle()` to apply due progress. */
  estate: Estate;
  /** Client connections open now (a load test's view of the connections a client holds). */
  openConnections(): number;
  /** Closes the server and all sockets promptly. */
  close(): Promise<void>;
}
