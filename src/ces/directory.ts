// The configured CES instances and the SRIDs each one serves; resolves a tool's `srid` argument to
// the instance that owns it (case-insensitively, docs/ces-api.md §1.2) and gives back a `CesTarget`.
// Holds one client (connection pool, breaker) per instance. Must not read files or the environment:
// tokens and TLS material arrive as values or provider functions from the config layer.
import type { Logger } from 'pino';

import type { CallInput, CallOptions, CesDirectory, CesTarget } from './api.js';
import { type CesClient, createCesClient } from './client.js';
import { CesError } from './errors.js';
import type { BreakerState, CesObserver } from './observer.js';
import type { Operation } from './operations.js';
import { encodePathValue, normaliseBaseUrl } from './paths.js';
import type { CesProxyOptions, CesTlsOptions, PemSource } from './transport.js';
import type { CertificateAuth } from './certificate-auth.js';

/** One CES instance as the config layer describes it. Secrets are providers so files can rotate. */
export interface CesInstanceOptions {
  /** Unique name, used in errors, logs and `describe()`. */
  name: string;
  /** CES URL; any context path (`/compuware`, `/ispw`) is dropped (docs/ces-api.md §1.1). */
  url: string;
  /** Code Pipeline instance ids served by this CES; the first is this instance's default. */
  srids: string[];
  /** Returns the current CES token (re-read per request); `undefined` when none is configured. */
  token: () => string | undefined;
  /** Actionable text used when the token is missing, e.g. which env var or file to set. */
  tokenHint?: string;
  /** Certificate authentication instead of the token (docs/ces-api.md §1.3). */
  certificateAuth?: CertificateAuth;
  /** Runtime configuration used when a tool gives none. */
  runtimeConfig?: string;
  /**
   * TLS settings. They may also be given as the flat fields below (same names); a field set in
   * `tls` wins over its flat twin.
   */
  tls?: CesTlsOptions;
  /** PEM CA bundle for the CES server certificate. */
  caPem?: PemSource;
  /** `add` (default) trusts the bundle besides the system roots; `replace` trusts only the bundle. */
  caMode?: 'add' | 'replace';
  /** PEM client certificate for mutual TLS. */
  clientCertPem?: PemSource;
  /** PEM client private key for mutual TLS. */
  clientKeyPem?: PemSource;
  /** Passphrase of an encrypted client key. */
  clientKeyPassphrase?: PemSource;
  /** TLS server name (SNI and certificate check) when it differs from the URL host. */
  servername?: string;
  /** Time allowed for one attempt of one call, in milliseconds. */
  timeoutMs: number;
  /** Retries of calls that are safe to retry (idempotent GETs, 429, 503 with Retry-After). */
  retries: number;
  /** Egress proxy (values of HTTPS_PROXY / HTTP_PROXY / NO_PROXY). */
  proxy?: CesProxyOptions;
  /** Server version for the User-Agent header (default: the directory's `version`). */
  version?: string;
  /** Logger for this instance (default: a child of the directory's logger). */
  logger?: Logger;
  /** Tuning for tests and unusual sites; the defaults suit CES. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  retryAfterCapSeconds?: number;
  breakerThreshold?: number;
  breakerHalfOpenAfterMs?: number;
  maxResponseBytes?: number;
  /** Sockets for awaited operations, apart from the rest (CesClientOptions.awaitConnections). */
  awaitConnections?: number;
}

export interface CesDirectoryOptions {
  instances: CesInstanceOptions[];
  /** Name of the instance whose first SRID is used when a tool gives none (default: the first instance). */
  defaultInstance?: string;
  /** Server version for the User-Agent header. */
  version?: string;
}

export interface CesDirectoryDeps {
  logger?: Logger;
  /** Metrics/tracing hooks handed to every instance's client. */
  observer?: CesObserver;
}

interface Entry {
  options: CesInstanceOptions;
  client: CesClient;
}

/** A configured SRID and its instance; `target` is built on first use and reused (it is immutable). */
interface Owner {
  entry: Entry;
  srid: string;
  target?: CesTarget;
}

/** Creates the directory. Throws `CesError('ces_input')` for an inconsistent instance list. */
export function createCesDirectory(options: CesDirectoryOptions, deps: CesDirectoryDeps = {}): CesDirectory {
  if (options.instances.length === 0) throw new CesError('ces_input', 'No CES instance is configured.');
  const entries: Entry[] = [];
  const owners = new Map<string, Owner>();
  const names = new Set<string>();

  for (const instance of options.instances) {
    if (names.has(instance.name)) throw new CesError('ces_input', `CES instance "${instance.name}" is configured twice.`);
    names.add(instance.name);
    if (instance.srids.length === 0) throw new CesError('ces_input', `CES instance "${instance.name}" has no SRID.`);
    normaliseBaseUrl(instance.url);
    const client = createCesClient({
      name: instance.name,
      url: instance.url,
      token: instance.token,
      timeoutMs: instance.timeoutMs,
      retries: instance.retries,
      tls: {
        ...pick(instance, TLS_KEYS),
        ...(instance.tls === undefined ? {} : pick(instance.tls, TLS_KEYS)),
      },
      ...pick(instance, [
        'tokenHint',
        'certificateAuth',
        'proxy',
        'retryBaseDelayMs',
        'retryMaxDelayMs',
        'retryAfterCapSeconds',
        'breakerThreshold',
        'breakerHalfOpenAfterMs',
        'maxResponseBytes',
        'awaitConnections',
      ]),
      ...pick({ version: instance.version ?? options.version }, ['version']),
      ...pick({ logger: instance.logger ?? deps.logger?.child({ cesInstance: instance.name }) }, ['logger']),
      ...pick({ observer: deps.observer }, ['observer']),
    });
    const entry: Entry = { options: instance, client };
    entries.push(entry);
    for (const srid of instance.srids) {
      encodePathValue('srid', srid);
      // CES seems to match SRIDs case-insensitively (§1.2), so two spellings must not go to two instances.
      const key = srid.toUpperCase();
      const previous = owners.get(key);
      if (previous !== undefined) {
        throw new CesError('ces_input', `SRID "${srid}" is configured for both "${previous.entry.options.name}" and "${instance.name}".`);
      }
      owners.set(key, { entry, srid });
    }
  }

  const defaultEntry = options.defaultInstance === undefined ? entries[0] : entries.find((e) => e.options.name === options.defaultInstance);
  if (defaultEntry === undefined) {
    throw new CesError('ces_input', `The default CES instance "${options.defaultInstance ?? ''}" is not configured.`);
  }

  const target = ({ entry, srid }: Owner): CesTarget =>
    Object.freeze({
      instance: entry.options.name,
      srid,
      runtimeConfig: entry.options.runtimeConfig,
      timeoutMs: entry.options.timeoutMs,
      call<R>(operation: Operation<R>, input?: CallInput, callOptions?: CallOptions): Promise<R> {
        return entry.client.call(srid, operation, withRuntimeConfig(operation, input, entry.options.runtimeConfig), callOptions);
      },
    });
  // The constructor checked that every instance has at least one SRID.
  const defaultOwner: Owner = { entry: defaultEntry, srid: defaultEntry.options.srids[0] as string };

  return {
    resolve(srid?: string): CesTarget {
      if (srid === undefined || srid.trim() === '') return (defaultOwner.target ??= target(defaultOwner));
      const owner = owners.get(srid.trim().toUpperCase());
      if (owner === undefined) {
        const known = [...owners.values()].map((o) => o.srid).join(', ');
        throw new CesError('ces_input', `Unknown SRID "${srid.slice(0, 64)}". Configured SRIDs: ${known}.`);
      }
      // The configured spelling goes on the wire: it is the one known to work with this CES.
      return (owner.target ??= target(owner));
    },
    describe() {
      return entries.map((e) => ({
        instance: e.options.name,
        url: e.client.baseUrl,
        srids: [...e.options.srids],
        default: e === defaultEntry,
      }));
    },
    breakerState(instance: string): BreakerState | undefined {
      return entries.find((e) => e.options.name === instance)?.client.breakerState();
    },
    async cesVersion(instance: string, signal?: AbortSignal): Promise<string | undefined> {
      return await entries.find((e) => e.options.name === instance)?.client.version(signal);
    },
    async close() {
      await Promise.all(entries.map((e) => e.client.close()));
    },
  };
}

const TLS_KEYS = ['caPem', 'caMode', 'clientCertPem', 'clientKeyPem', 'clientKeyPassphrase', 'servername'] as const;

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/**
 * Reads carry the runtime configuration as BMC's clients send it (`rtConfig`; docs/ces-api.md errata
 * E4), so reads, set polls and writes address the same configuration. A value the caller gave wins.
 */
function withRuntimeConfig(operation: Operation<unknown>, input: CallInput | undefined, runtimeConfig: string | undefined): CallInput | undefined {
  if (!runtimeConfig || operation.method !== 'GET' || !operation.query.includes('rtConfig') || input?.query?.rtConfig !== undefined) return input;
  return { ...input, query: { ...input?.query, rtConfig: runtimeConfig } };
}
