// The HTTP client of one CES instance: builds requests from catalogue operations, authenticates with
// the raw CES token (docs/ces-api.md §1.3), retries what is safe to retry, trips a circuit breaker when CES
// is down, and maps every failure to a `CesError`. It must never follow a URL that CES returns
// (§4.3: poll URLs are rebuilt from the base and set id), never retry a POST that CES may have
// executed, and never put the token or key passphrase into an error, a log line or a thrown object.
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, DelegateBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';

import { isAwaited, type CallInput, type CallOptions } from './api.js';
import { certificateHeaders, certificateSecret, type CertificateAuth } from './certificate-auth.js';
import { CesError } from './errors.js';
import type { BreakerState, CesObserver, CesRequestResult } from './observer.js';
import type { HttpMethod, Operation } from './operations.js';
import { buildRequestPath, normaliseBaseUrl } from './paths.js';
import { causeChainForLog, describeTransportFailure } from './failures.js';
import { classified, ERROR_BODY_LIMIT, failureInfo, ignoreLateError, interpretReply, MiB, readBody, redact } from './replies.js';
import { linkSignals } from '../shared/linked-signal.js';
import { createCesTransport, type CesProxyOptions, type CesTlsOptions, type CesTransport } from './transport.js';

/** Options of one CES client (one CES instance). */
export interface CesClientOptions {
  /** Instance name, used in errors and logs. */
  name: string;
  /** Configured CES URL; normalised to `scheme://host:port` (docs/ces-api.md §1.1). */
  url: string;
  /** Returns the current CES token; called on every request so a rotated token file takes effect. */
  token: () => string | undefined;
  /** What to tell the user when no token is configured. */
  tokenHint?: string;
  /** Certificate authentication instead of the token (docs/ces-api.md §1.3); a per-call credential still wins. */
  certificateAuth?: CertificateAuth;
  /** Time allowed for one attempt, from sending to the last body byte (default 30 s). */
  timeoutMs?: number;
  /** Connect timeout (default: min(timeoutMs, 10 s)). */
  connectTimeoutMs?: number;
  /**
   * Sockets for awaited operations (generate-await, build-await: CES holds the reply until the work
   * ends), in a pool apart from every other request, so held replies cannot take the sockets reads
   * need (issue 19). 0: one pool for all (default 0 here; the server passes limits.cesAwaitConcurrency).
   */
  awaitConnections?: number;
  /** Retries after the first attempt, for calls that are safe to retry (default 2). */
  retries?: number;
  /** First backoff delay; later ones double, with jitter (default 250 ms). */
  retryBaseDelayMs?: number;
  /** Largest backoff delay (default 5 s). */
  retryMaxDelayMs?: number;
  /** Longest `Retry-After` honoured; a longer one ends the call with `retryAfterSeconds` set (default 30 s). */
  retryAfterCapSeconds?: number;
  /** Consecutive transport/5xx failures that open the circuit breaker (default 5). */
  breakerThreshold?: number;
  /** How long the breaker stays open before one trial call (default 30 s). */
  breakerHalfOpenAfterMs?: number;
  /** Largest response body accepted (default 16 MiB). */
  maxResponseBytes?: number;
  /** Server version for the `User-Agent: ispw-mcp/<version>` header. */
  version?: string;
  tls?: CesTlsOptions;
  proxy?: CesProxyOptions;
  logger?: Logger;
  /** Metrics/tracing hooks around each attempt, retry and breaker change (no telemetry import here). */
  observer?: CesObserver;
}

/** A client bound to one CES instance; the SRID is chosen per call. */
export interface CesClient {
  readonly name: string;
  /** Normalised base URL, `scheme://host:port`. */
  readonly baseUrl: string;
  call<R>(srid: string, operation: Operation<R>, input?: CallInput, options?: CallOptions): Promise<R>;
  /** State of this instance's circuit breaker (for readiness and metrics). */
  breakerState(): BreakerState;
  /**
   * CES's own version (`GET /compuware/ws/Config/version`, read without credentials as BMC's
   * PowerShell example does; docs/ces-api.md §2.6), for diagnostics only: undefined when CES does not
   * say. Outside the Code Pipeline catalogue: no SRID, no token, no retry, no circuit breaker.
   */
  version(signal?: AbortSignal): Promise<string | undefined>;
  close(): Promise<void>;
}

const VERSION_PATH = '/compuware/ws/Config/version';
const VERSION_REPLY_LIMIT = 64 * 1024;

// Headers an observer may add: W3C trace context only, never anything that changes the request.
const OBSERVER_HEADERS = new Set(['traceparent', 'tracestate', 'baggage']);

const BREAKER_STATES: Partial<Record<CircuitState, BreakerState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

const NEVER_ABORTED = new AbortController().signal;

// Printable ASCII only: refuses CR/LF header injection and spaces in tokens and request ids.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Creates the client of one CES instance. */
export function createCesClient(options: CesClientOptions): CesClient {
  const name = options.name;
  const baseUrl = normaliseBaseUrl(options.url);
  // Every request goes to this one origin (the path comes from buildRequestPath), so what the
  // observer and error messages need of the URL is computed once.
  const base = new URL(baseUrl);
  const https = base.protocol === 'https:';
  const endpoint = { origin: base.origin, host: base.host, hostname: base.hostname, port: Number(base.port) || (https ? 443 : 80) };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retryAfterCapMs = (options.retryAfterCapSeconds ?? 30) * 1000;
  const baseDelay = options.retryBaseDelayMs ?? 250;
  const maxDelay = options.retryMaxDelayMs ?? 5_000;
  const maxBytes = options.maxResponseBytes ?? 16 * MiB;
  const userAgent = `ispw-mcp/${options.version ?? 'dev'}`;
  const log = options.logger;
  const observer = options.observer;
  const transportOptions = {
    name,
    // The only origin this client ever connects to; replies and arguments cannot add another.
    allowedOrigins: [baseUrl],
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
    connectTimeoutMs: options.connectTimeoutMs ?? Math.min(timeoutMs, 10_000),
    headersTimeoutMs: timeoutMs,
    bodyTimeoutMs: timeoutMs,
    ...(log === undefined ? {} : { logger: log }),
  };
  const transport: CesTransport = createCesTransport(transportOptions);

  // Built on the first awaited call: most sites never use the -await endpoints.
  let awaitTransport: CesTransport | undefined;
  const awaitPool = (): CesTransport => (awaitTransport ??= createCesTransport({ ...transportOptions, connections: options.awaitConnections! }));
  /** Awaited calls (they bring their own timeout) use their own pool when one is configured. */
  const transportFor = (callOptions: CallOptions): CesTransport => (isAwaited(callOptions) && (options.awaitConnections ?? 0) > 0 ? awaitPool() : transport);

  const secrets = (credential?: CallOptions['credential']): string[] => {
    const list: string[] = [];
    for (const provider of [options.token, credential?.token]) {
      try {
        const token = provider?.();
        if (token) list.push(token);
      } catch {
        // the provider failing is reported by the call itself
      }
    }
    const certificate = certificateSecret(options.certificateAuth);
    if (certificate) list.push(certificate);
    const passphrase = options.tls?.clientKeyPassphrase;
    const value = typeof passphrase === 'function' ? passphrase() : passphrase;
    if (value) list.push(value);
    return list;
  };

  // One breaker per instance: opened by consecutive failures that say "CES is not answering"
  // (connection, TLS, timeout, 5xx) — never by 4xx, which prove CES is up (docs/ces-api.md §5).
  const breaker = circuitBreaker(
    handleWhen((error) => {
      const info = failureInfo(error);
      if (info === undefined) return false;
      return info.kind === 'transport' || info.kind === 'tls' || info.kind === 'timeout' || (info.kind === 'status' && (info.status ?? 0) >= 500);
    }),
    {
      halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    },
  );
  breaker.onBreak(() => {
    log?.warn({ cesInstance: name }, 'CES circuit breaker opened');
    observer?.breakerChanged?.(name, 'open');
  });
  breaker.onReset(() => {
    log?.info({ cesInstance: name }, 'CES circuit breaker closed');
    observer?.breakerChanged?.(name, 'closed');
  });
  breaker.onHalfOpen(() => observer?.breakerChanged?.(name, 'half-open'));

  const retryPolicy = (method: HttpMethod): RetryPolicy => {
    const policy = retry(
      handleWhen((error) => {
        const info = failureInfo(error);
        if (info === undefined) return false;
        // CES asked for a longer pause than we are willing to hold the caller: report it instead.
        if (info.retryAfterMs !== undefined && info.retryAfterMs > retryAfterCapMs) return false;
        if (info.kind === 'status') {
          // 429 means "not processed": safe for every method. 503 with Retry-After likewise.
          if (info.status === 429) return true;
          if (info.status === 503 && info.retryAfterMs !== undefined) return true;
          // A POST that reached CES may have started a set: never repeat it (§4.1).
          return method === 'GET' && (info.status === 502 || info.status === 503 || info.status === 504);
        }
        // Connection failures are retried for GETs only; TLS and timeouts will not improve by retrying.
        return method === 'GET' && info.kind === 'transport';
      }),
      {
        maxAttempts: Math.max(0, options.retries ?? 2),
        backoff: new DelegateBackoff((context) => {
          const error = 'error' in context.result ? context.result.error : undefined;
          const info = failureInfo(error);
          if (info?.retryAfterMs !== undefined) return info.retryAfterMs;
          // Exponential backoff with "equal jitter": half fixed, half random.
          const ceiling = Math.min(maxDelay, baseDelay * 2 ** (context.attempt - 1));
          return ceiling / 2 + Math.random() * (ceiling / 2);
        }),
      },
    );
    policy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      observer?.retryScheduled?.({
        instance: name,
        operation: error instanceof CesError ? (error.details.operation ?? 'unknown') : 'unknown',
        delayMs: event.delay,
      });
      log?.warn(
        { cesInstance: name, attempt: event.attempt, delayMs: Math.round(event.delay), code: error instanceof CesError ? error.code : undefined },
        'retrying CES call',
      );
    });
    return policy;
  };
  const retries: Record<HttpMethod, RetryPolicy> = { GET: retryPolicy('GET'), POST: retryPolicy('POST') };

  /** The token for one request: the caller's (per-user) or the instance's; missing or unsendable is `ces_auth`. */
  function tokenFor(credential: CallOptions['credential'], opName: string): string {
    let token: string | undefined;
    try {
      token = (credential?.token ?? options.token)();
    } catch {
      token = undefined;
    }
    if (token === undefined || token.trim() === '') {
      throw new CesError(
        'ces_auth',
        credential
          ? `No CES token is available for "${credential.identity}" on instance "${name}": ${credential.hint}.`
          : `No CES token is configured for instance "${name}": ${options.tokenHint ?? 'set ISPW_MCP_CES_TOKEN_FILE to a file that contains the CES personal access token'}.`,
        { operation: opName, retryable: false },
      );
    }
    token = token.trim();
    if (!HEADER_SAFE.test(token)) {
      throw new CesError(
        'ces_auth',
        `The CES token for instance "${name}" contains characters that cannot be sent in a header (spaces or line breaks?); check the token file.`,
        {
          operation: opName,
          retryable: false,
        },
      );
    }
    return token;
  }

  async function attempt<R>(
    operation: Operation<R>,
    path: string,
    body: string | undefined,
    callOptions: CallOptions,
    attemptSignal: AbortSignal,
    resendCount: number,
  ): Promise<R> {
    const opName = operation.id;
    const replyLimit = operation.maxReplyBytes ?? maxBytes;
    // A per-call credential (per-user identity) replaces the instance's token for this call only;
    // otherwise an instance with certificate authentication sends its certificate instead of a token.
    const credential = callOptions.credential;
    const certificateAuth = credential ? undefined : options.certificateAuth;
    const authHeaders = certificateAuth ? certificateHeaders(certificateAuth, name, opName) : { authorization: tokenFor(credential, opName) };
    const headers: Record<string, string> = {
      // The raw token with no scheme word, as every BMC client sends it (docs/ces-api.md §1.3), or
      // the certificate headers.
      ...authHeaders,
      // BMC clients send it on every call, GETs included (§1.4).
      'content-type': 'application/json',
      accept: operation.replyBody === 'zip' ? 'application/zip, application/octet-stream, application/json' : 'application/json',
      'user-agent': userAgent,
    };
    if (callOptions.requestId !== undefined && HEADER_SAFE.test(callOptions.requestId) && callOptions.requestId.length <= 128) {
      headers['x-request-id'] = callOptions.requestId;
    }

    const scope = observer?.requestStarted?.({
      instance: name,
      operation: opName,
      method: operation.method,
      pathTemplate: `/ispw/{srid}${operation.path}`,
      scheme: https ? 'https' : 'http',
      host: endpoint.hostname,
      port: endpoint.port,
      resendCount,
    });
    if (scope?.headers) {
      for (const [key, value] of Object.entries(scope.headers)) {
        if (OBSERVER_HEADERS.has(key) && HEADER_SAFE.test(value)) headers[key] = value;
      }
    }
    const finish = (result: CesRequestResult) => {
      try {
        scope?.finished(result);
      } catch {
        // an observer must never change the outcome of a CES call
      }
    };

    // One controller for the caller's signal and the timeout (not AbortSignal.any/timeout: cheaper per
    // request); disposed when the reply has been read.
    // Time this request spent queued (policy/limits.ts) counts against its first attempt.
    const queuedMs = resendCount === 0 ? (callOptions.queuedMs ?? 0) : 0;
    // An awaited operation (generate-await, build-await) brings its own, longer timeout: CES holds its
    // reply until the work ends (docs/ces-api.md errata E3).
    const requestTimeoutMs = callOptions.timeoutMs ?? timeoutMs;
    const attemptTimeoutMs = Math.max(1, requestTimeoutMs - queuedMs);
    const linked = linkSignals([attemptSignal], attemptTimeoutMs);
    const signal = linked.signal;
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    let raw: Buffer | undefined;
    try {
      const dispatcher = transportFor(callOptions).dispatcher();
      response = await dispatcher.request({
        origin: endpoint.origin,
        path,
        method: operation.method,
        headers,
        body: body ?? null,
        signal,
        ...(callOptions.timeoutMs === undefined ? {} : { headersTimeout: attemptTimeoutMs, bodyTimeout: attemptTimeoutMs }),
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      const declared = Number(response.headers['content-length']);
      if (ok && Number.isFinite(declared) && declared > replyLimit) {
        // Not read at all: dropped, and whatever error its destroy emits goes nowhere (not uncaught).
        response.body.on('error', ignoreLateError).destroy();
        raw = undefined;
      } else {
        raw = await readBody(response.body, ok ? replyLimit : ERROR_BODY_LIMIT, !ok);
      }
    } catch (error) {
      if (error instanceof CesError) {
        finish({ failure: 'refused' });
        throw error;
      }
      if (attemptSignal.aborted) {
        finish({ failure: 'aborted' });
        throw attemptSignal.reason;
      }
      const timedOut = linked.timedOut();
      const failure = describeTransportFailure(error, {
        timedOut,
        timeoutMs: attemptTimeoutMs,
        host: endpoint.host,
        instance: name,
        tlsWithoutClientCert: https && options.tls?.clientCertPem === undefined,
      });
      // The underlying error (what undici or Node said) goes to the debug log, secrets removed.
      if (log?.isLevelEnabled('debug')) {
        const cause = causeChainForLog(error, (text) => redact(text, secrets(credential)));
        log.debug(
          { cesInstance: name, operation: opName, failure: failure.kind, cause, durationMs: Math.round(performance.now() - started) },
          'CES call failed',
        );
      }
      finish({ failure: failure.kind === 'timeout' || failure.kind === 'tls' ? failure.kind : 'transport' });
      // A POST that may have reached CES has an unknown outcome: it may have started a set.
      const unknownOutcome = operation.method === 'POST' && failure.maybeSent;
      const note = unknownOutcome ? '; CES may still have carried it out, so check its state before repeating it' : '';
      throw classified(
        new CesError(failure.code, `${failure.message} (${opName})${note}`, {
          operation: opName,
          retryable: failure.kind !== 'tls' && !unknownOutcome,
          cause: failure.cause,
        }),
        { kind: failure.kind },
      );
    } finally {
      linked.dispose();
    }

    const status = response.statusCode;
    finish({ status });
    log?.debug(
      { cesInstance: name, operation: opName, status, durationMs: Math.round(performance.now() - started), requestId: callOptions.requestId },
      'CES call',
    );
    // The secrets are read only if the reply has text to redact (an error or a malformed body, or a
    // message in a successful reply).
    try {
      return interpretReply(operation, response, raw, { instance: name, maxBytes: replyLimit, secrets: () => secrets(credential) });
    } catch (error) {
      noteOverload(error);
      throw error;
    }
  }

  // CES overloaded: after a 429 with Retry-After, new calls are not sent until that time has passed
  // (they fail at once with the time left to wait); the call that got the 429 retries as its policy
  // says. Stops every caller of this replica from adding to the load CES asked to be spared.
  let overloadedUntil = 0;
  const noteOverload = (error: unknown) => {
    const info = failureInfo(error);
    if (info?.kind === 'status' && info.status === 429 && info.retryAfterMs !== undefined && info.retryAfterMs > 0) {
      overloadedUntil = Math.max(overloadedUntil, performance.now() + info.retryAfterMs);
    }
  };
  const shed = (operationId: string): CesError | undefined => {
    const waitMs = overloadedUntil - performance.now();
    if (waitMs <= 0) return undefined;
    observer?.shed?.({ instance: name, operation: operationId });
    const seconds = Math.ceil(waitMs / 1000);
    return new CesError(
      'ces_rate_limited',
      `CES instance "${name}" is overloaded: it answered 429 (too many requests) and asked for a pause, so this request was not sent (${operationId}).`,
      { operation: operationId, retryable: true, retryAfterSeconds: seconds },
    );
  };

  async function version(signal?: AbortSignal): Promise<string | undefined> {
    const linked = linkSignals(signal ? [signal] : [], Math.min(timeoutMs, 10_000));
    try {
      const response = await transport.dispatcher().request({
        origin: endpoint.origin,
        path: VERSION_PATH,
        method: 'GET',
        headers: { accept: 'application/json', 'user-agent': userAgent },
        signal: linked.signal,
      });
      const raw = await readBody(response.body, VERSION_REPLY_LIMIT, response.statusCode >= 300);
      if (response.statusCode !== 200 || !raw) return undefined;
      const reply = JSON.parse(raw.toString('utf8')) as { productVersion?: { version?: unknown } };
      const value = reply?.productVersion?.version;
      // A version is short printable text; anything else is not shown.
      return typeof value === 'string' && /^[\w .()+-]{1,40}$/.test(value.trim()) ? value.trim() : undefined;
    } catch {
      return undefined;
    } finally {
      linked.dispose();
    }
  }

  return {
    name,
    baseUrl,
    version,
    async call<R>(srid: string, operation: Operation<R>, input: CallInput = {}, callOptions: CallOptions = {}): Promise<R> {
      const path = buildRequestPath(srid, operation, input);
      let body: string | undefined;
      if (operation.body) {
        body = JSON.stringify(input.body ?? {});
      } else if (input.body !== undefined) {
        throw new CesError('ces_input', `Operation ${operation.id} takes no request body.`, { operation: operation.id });
      }
      const callerSignal = callOptions.signal;
      callerSignal?.throwIfAborted();
      const refused = shed(operation.id);
      if (refused) throw refused;

      const once = (signal: AbortSignal, tries: number) => breaker.execute(() => attempt(operation, path, body, callOptions, signal, tries), signal);
      const run =
        callOptions.retry === false
          ? once(callerSignal ?? NEVER_ABORTED, 0)
          : retries[operation.method].execute(({ signal, attempt: tries }) => once(signal, tries), callerSignal);
      try {
        if (callerSignal === undefined) return await run;
        // cockatiel does not interrupt a backoff pause; the caller must not wait it out.
        return await new Promise<R>((resolve, reject) => {
          const onAbort = (): void => reject(callerSignal.reason);
          callerSignal.addEventListener('abort', onAbort, { once: true });
          run.then(resolve, reject).finally(() => callerSignal.removeEventListener('abort', onAbort));
        });
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new CesError(
            'ces_unavailable',
            `CES instance "${name}" is not being called for now: its last requests failed (connection, TLS, timeout or 5xx). It will be tried again shortly (${operation.id}).`,
            { operation: operation.id, retryable: true },
          );
        }
        throw error;
      }
    },
    breakerState: () => BREAKER_STATES[breaker.state] ?? 'closed',
    close: async () => {
      await Promise.all([transport.close(), awaitTransport?.close()]);
    },
  };
}
