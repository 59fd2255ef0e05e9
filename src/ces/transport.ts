// The connection layer to one CES instance: an undici keep-alive pool with TLS settings, optional
// mTLS client certificate and optional egress proxy. TLS verification is always on; there is
// deliberately no option to turn it off (CES often uses a private CA: configure the CA bundle, §1.5).
// TLS material is read through providers on every request, so a rotated certificate file takes
// effect on the next request without restart. Must not read process.env: proxy values are passed in.
// Egress is allow-listed: a request to any origin but the configured CES origin is refused before a
// socket is opened (twice: at dispatch, and in the connector for direct connections).
// undici (~110 modules, ~165 ms and ~28 MB) is loaded on the first request, not at start-up: a stdio
// server answers initialize and tools/list without it (docs/performance.md, "lazy undici").
import { createRequire } from 'node:module';
import type { SecureContextOptions } from 'node:tls';

import type { Logger } from 'pino';
import type { buildConnector, Dispatcher } from 'undici';

import { CesError } from './errors.js';

/** A PEM value, or a function returning the current one (re-read on every request). */
export type PemSource = string | (() => string | undefined);

/** TLS settings for the connection to CES. */
export interface CesTlsOptions {
  /** PEM bundle of CA certificates to trust for the CES server certificate. */
  caPem?: PemSource;
  /** `add` (default): trust the bundle in addition to Node's root store; `replace`: trust only the bundle. */
  caMode?: 'add' | 'replace';
  /** PEM client certificate (chain) for mutual TLS. */
  clientCertPem?: PemSource;
  /** PEM private key of the client certificate. */
  clientKeyPem?: PemSource;
  /** Passphrase of an encrypted client key. Never logged or put in errors. */
  clientKeyPassphrase?: PemSource;
  /** Name to send in SNI and to check the server certificate against, when it differs from the URL host. */
  servername?: string;
}

/** Egress proxy settings; the values of HTTPS_PROXY / HTTP_PROXY / NO_PROXY, passed in by main.ts. */
export interface CesProxyOptions {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
}

export interface CesTransportOptions {
  /** Instance name, for error messages. */
  name: string;
  /**
   * Origins (`https://host:port`) requests may go to: the configured CES origin. Anything else is
   * refused before a connection is made, whatever a reply or an argument says.
   */
  allowedOrigins: readonly string[];
  tls?: CesTlsOptions;
  proxy?: CesProxyOptions;
  /** TCP + TLS connect timeout. */
  connectTimeoutMs: number;
  /** Time allowed for the response headers and between body chunks. */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Maximum sockets per origin (default 16). */
  connections?: number;
  /** Told once per broken TLS rotation (instance name and reason only, never the material). */
  logger?: Pick<Logger, 'warn'>;
}

/** Gives the dispatcher for the next request, rebuilding it when TLS material changed. */
export interface CesTransport {
  dispatcher(): Dispatcher;
  close(): Promise<void>;
}

/** The current PEM text of a source (a rotating file's provider is called), undefined when blank. */
export const readPem = (source: PemSource | undefined): string | undefined => {
  const value = typeof source === 'function' ? source() : source;
  return value === undefined || value.trim() === '' ? undefined : value;
};

interface Material {
  ca: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  passphrase: string | undefined;
}

const sameMaterial = (a: Material, b: Material): boolean => a.ca === b.ca && a.cert === b.cert && a.key === b.key && a.passphrase === b.passphrase;

function tlsOptions(name: string, tls: CesTlsOptions, material: Material): SecureContextOptions & { servername?: string } {
  const options: SecureContextOptions & { servername?: string; rejectUnauthorized: true } = {
    // TLS 1.0/1.1 are broken; CES supports 1.2+ (its Tomcat defaults).
    minVersion: 'TLSv1.2',
    // Stated explicitly so no inherited default or environment variable can weaken it.
    rejectUnauthorized: true,
  };
  if (material.ca !== undefined) {
    // Node replaces its root store when `ca` is given; keep the public roots unless told otherwise,
    // so a CA bundle for the private CES CA does not break a proxy with a public certificate.
    options.ca = tls.caMode === 'replace' ? material.ca : [...nodeTls().rootCertificates, material.ca];
  }
  if ((material.cert === undefined) !== (material.key === undefined)) {
    throw new CesError('ces_unavailable', `The TLS client certificate for CES instance "${name}" needs both a certificate and a private key.`);
  }
  if (material.cert !== undefined) options.cert = material.cert;
  if (material.key !== undefined) options.key = material.key;
  if (material.passphrase !== undefined) options.passphrase = material.passphrase;
  if (tls.servername !== undefined && tls.servername !== '') options.servername = tls.servername;

  try {
    // Fail now, with a clear message, rather than on every TLS handshake.
    nodeTls().createSecureContext(options);
  } catch (error) {
    // OpenSSL's text names the problem (bad decrypt, no start line…) but never the passphrase.
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'invalid PEM data';
    throw new CesError(
      'ces_unavailable',
      `The TLS material (CA bundle, client certificate or key) for CES instance "${name}" cannot be loaded (${reason}); ` +
        'check the PEM files and the key passphrase.',
      { retryable: false },
    );
  }
  return options;
}

/** `scheme://host[:port]` in URL's canonical form, so `https://h:443` equals `https://h`. */
export function canonicalOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

function egressRefused(name: string, origin: string): CesError {
  return new CesError(
    'ces_unavailable',
    `Refused to connect to ${origin.slice(0, 200)}: it is not the configured origin of CES instance "${name}" (egress allowlist).`,
    { retryable: false },
  );
}

/** Refuses a request to an origin outside the allowlist before it reaches any connection pool. */
function allowOnly(name: string, allowed: ReadonlySet<string>): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (opts, handler) => {
    const raw = String(opts.origin ?? '');
    // The CES client sends the configured origin, already canonical: found as it is, no URL parse per
    // request. Any other spelling is canonicalised and checked as before.
    const origin = allowed.has(raw) ? raw : canonicalOrigin(raw);
    if (!allowed.has(origin)) throw egressRefused(name, origin);
    return dispatch(opts, handler);
  };
}

type Connector = ReturnType<typeof buildConnector>;

// node:tls is required with undici on the first request too: an ESM import of it evaluates every
// export, root certificate store included (~10 ms and ~2 MB of a stdio server's start-up).
let tlsModule: typeof import('node:tls') | undefined;
const nodeTls = () => (tlsModule ??= createRequire(import.meta.url)('node:tls') as typeof import('node:tls'));

type Undici = typeof import('undici');
let undiciModule: Undici | undefined;
/** undici, required synchronously on first use (it is CommonJS), so `dispatcher()` stays synchronous. */
function undici(): Undici {
  undiciModule ??= createRequire(import.meta.url)('undici') as Undici;
  return undiciModule;
}

/** The socket-level guard: even a dispatch that slipped past the interceptor cannot open a socket elsewhere. */
function guardedConnector(name: string, allowed: ReadonlySet<string>, connect: Connector): Connector {
  return (opts, callback) => {
    const host = opts.hostname.includes(':') && !opts.hostname.startsWith('[') ? `[${opts.hostname}]` : opts.hostname;
    const origin = canonicalOrigin(`${opts.protocol}//${host}${opts.port ? `:${opts.port}` : ''}`);
    if (!allowed.has(origin)) {
      callback(egressRefused(name, origin), null);
      return;
    }
    connect(opts, callback);
  };
}

function buildDispatcher(options: CesTransportOptions, material: Material): Dispatcher {
  const tls = tlsOptions(options.name, options.tls ?? {}, material);
  const allowed = new Set(options.allowedOrigins.map(canonicalOrigin));
  const common = {
    connections: options.connections ?? 16,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    keepAliveTimeout: 30_000,
    // undici follows no redirects unless asked; a CES reply is never a reason to go elsewhere.
  };
  const proxy = options.proxy;
  const { Agent, buildConnector, EnvHttpProxyAgent } = undici();
  if (proxy?.httpsProxy || proxy?.httpProxy) {
    // Empty strings, not undefined: undici falls back to process.env for undefined values, and only
    // main.ts may read the environment.
    return new EnvHttpProxyAgent({
      ...common,
      httpProxy: proxy.httpProxy ?? '',
      httpsProxy: proxy.httpsProxy ?? '',
      noProxy: proxy.noProxy ?? '',
      connect: { ...tls, timeout: options.connectTimeoutMs },
      // The tunnelled connection to CES gets the CES TLS settings; the proxy itself only the CAs.
      requestTls: { ...tls, timeout: options.connectTimeoutMs },
      proxyTls: { minVersion: 'TLSv1.2', rejectUnauthorized: true, ...(tls.ca === undefined ? {} : { ca: tls.ca }) },
      connectTimeout: options.connectTimeoutMs,
    }).compose(allowOnly(options.name, allowed));
  }
  const connector = guardedConnector(options.name, allowed, buildConnector({ ...tls, timeout: options.connectTimeoutMs }));
  return new Agent({ ...common, connect: connector }).compose(allowOnly(options.name, allowed));
}

/** Creates the transport of one CES instance. No connection is opened until the first request. */
export function createCesTransport(options: CesTransportOptions): CesTransport {
  let current: { material: Material; dispatcher: Dispatcher } | undefined;
  // Material that could not be loaded while a good dispatcher existed: not retried until it changes.
  let failed: Material | undefined;
  let closed = false;
  const retired: Promise<void>[] = [];

  return {
    dispatcher() {
      if (closed) throw new CesError('ces_unavailable', `The CES client for instance "${options.name}" is closed.`);
      const tls = options.tls ?? {};
      const material: Material = {
        ca: readPem(tls.caPem),
        cert: readPem(tls.clientCertPem),
        key: readPem(tls.clientKeyPem),
        passphrase: readPem(tls.clientKeyPassphrase),
      };
      if (current !== undefined && sameMaterial(current.material, material)) {
        failed = undefined;
      } else {
        // The CA, certificate, key and passphrase files rotate one by one (each on its own re-check),
        // so a rotation can briefly show a new certificate with the old key. A broken rotation keeps
        // the last good value: the old pool serves until the material changes again.
        if (current !== undefined && failed !== undefined && sameMaterial(failed, material)) return current.dispatcher;
        let dispatcher: Dispatcher;
        try {
          dispatcher = buildDispatcher(options, material);
        } catch (error) {
          if (current === undefined) throw error;
          failed = material;
          // The CesError message names the instance and OpenSSL's code only, never the material.
          const reason = error instanceof CesError ? error.message : 'the TLS material cannot be loaded';
          options.logger?.warn(
            { cesInstance: options.name, reason },
            'new TLS material for CES cannot be used; keeping the last good material until the files change again',
          );
          return current.dispatcher;
        }
        failed = undefined;
        // Requests in flight on the old pool finish; its idle sockets are then closed.
        if (current !== undefined) retired.push(current.dispatcher.close().catch(() => undefined));
        current = { material, dispatcher };
      }
      return current.dispatcher;
    },
    async close() {
      closed = true;
      const last = current?.dispatcher;
      current = undefined;
      await Promise.all([...retired, last?.close().catch(() => undefined)]);
    },
  };
}
