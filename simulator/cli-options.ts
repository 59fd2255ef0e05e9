// Command-line flags → SimulatorOptions, shared by simulator/main.ts and the product's own
// `ispw-mcp simulator` command. Flags use commander-style camelCase keys; values may be strings.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { FaultRule } from './faults.js';
import type { SimulatorOptions } from './options.js';

export interface SimulatorFlags {
  host?: string;
  port?: string | number;
  /** Accepted tokens (repeatable). */
  token?: string | string[];
  srid?: string | string[];
  stepMs?: string | number;
  awaitTimeoutMs?: string | number;
  /** Latency added to every reply. */
  latencyMs?: string | number;
  /** Share (0..1) of requests answered 500. */
  errorRate?: string | number;
  /** PEM file paths. */
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  requireClientCert?: boolean;
  seed?: string;
  postStatus?: string | number;
  /** Set actions that show one step late, lock waits, sets that close with failed tasks (SetRealism). */
  realisticSets?: boolean;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function number(name: string, value: string | number | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

/** Maps flags to options; throws an Error with a usage-style message on bad values. */
export function simulatorOptionsFromFlags(flags: SimulatorFlags, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): SimulatorOptions {
  const tokens = list(flags.token).filter((t) => t !== '');
  if (tokens.length === 0) throw new Error('--token is required (the raw CES token clients must send)');
  const srids = list(flags.srid).filter((s) => s !== '');
  const faults: FaultRule[] = [];
  const latency = number('latency-ms', flags.latencyMs, 0, 600_000);
  if (latency) faults.push({ kind: 'latency', ms: latency });
  const errorRate = number('error-rate', flags.errorRate, 0, 1);
  if (errorRate) faults.push({ kind: 'error', rate: errorRate });
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  if ((flags.tlsCa !== undefined || flags.requireClientCert) && flags.tlsCert === undefined) {
    throw new Error('--tls-ca and --require-client-cert need --tls-cert and --tls-key');
  }
  if (flags.requireClientCert && flags.tlsCa === undefined) throw new Error('--require-client-cert needs --tls-ca');
  const seed = flags.seed ?? 'demo';
  if (seed !== 'demo' && seed !== 'empty') throw new Error('--seed must be demo or empty');
  const postStatus = number('post-status', flags.postStatus, 200, 201);
  if (postStatus !== undefined && postStatus !== 200 && postStatus !== 201) throw new Error('--post-status must be 200 or 201');
  const stepMs = number('step-ms', flags.stepMs, 0, 3_600_000);
  return {
    realism: flags.realisticSets ? { actionLagMs: stepMs ?? 1000, waitForLock: true, closeWithFailures: true } : undefined,
    host: flags.host,
    port: number('port', flags.port, 0, 65_535),
    tokens,
    srids: srids.length > 0 ? srids : undefined,
    stepMs,
    awaitTimeoutMs: number('await-timeout-ms', flags.awaitTimeoutMs, 0, 3_600_000),
    faults,
    seed,
    postStatus: postStatus,
    tls:
      flags.tlsCert !== undefined && flags.tlsKey !== undefined
        ? {
            cert: readFile(flags.tlsCert),
            key: readFile(flags.tlsKey),
            ca: flags.tlsCa !== undefined ? readFile(flags.tlsCa) : undefined,
            requireClientCert: flags.requireClientCert === true,
          }
        : undefined,
  };
}

/** Parses `--port 48080 --token T ...` (the standalone entry's argv) into flags. */
export function parseSimulatorArgv(argv: string[]): SimulatorFlags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string', multiple: true },
      srid: { type: 'string', multiple: true },
      'step-ms': { type: 'string' },
      'await-timeout-ms': { type: 'string' },
      'latency-ms': { type: 'string' },
      'error-rate': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'require-client-cert': { type: 'boolean' },
      seed: { type: 'string' },
      'post-status': { type: 'string' },
      'realistic-sets': { type: 'boolean' },
    },
  });
  return {
    host: values.host,
    port: values.port,
    token: values.token,
    srid: values.srid,
    stepMs: values['step-ms'],
    awaitTimeoutMs: values['await-timeout-ms'],
    latencyMs: values['latency-ms'],
    errorRate: values['error-rate'],
    tlsCert: values['tls-cert'],
    tlsKey: values['tls-key'],
    tlsCa: values['tls-ca'],
    requireClientCert: values['require-client-cert'],
    seed: values.seed,
    postStatus: values['post-status'],
    realisticSets: values['realistic-sets'],
  };
}
