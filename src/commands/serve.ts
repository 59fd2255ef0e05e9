// `ispw-mcp serve`: wires configuration, the CES directory, the tool registry and a transport.
// Returns a handle so main.ts (signals) and the demo command can stop it.
import { buildCesDirectory, type ProxyEnv } from '../app/ces-directory.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import { SecretHealth } from '../config/secret-health.js';
import type { CesDirectory } from '../ces/api.js';
import { createAuditSink } from '../audit/sink.js';
import { scopeDenialRecorder } from '../app/scope-denials.js';
import { createAuditTrail } from '../audit/trail.js';
import { auditSinkHooks } from '../audit/sink-telemetry.js';
import { CANCEL_WINDOW_MS, Drain, LISTENER_CLOSE_MS, SHUTDOWN_MARGIN_SECONDS, TRACE_FLUSH_MS } from '../mcp/drain.js';
import { createServerFactory } from '../mcp/server.js';
import { SetCallbacks } from '../mcp/kit/set-callbacks.js';
import { SetPolls } from '../mcp/kit/set-polls.js';
import { cesObserver } from '../telemetry/ces-observer.js';
import { configuredCertificates } from '../app/certificates.js';
import { certificateExpiryReader } from '../telemetry/certificate-expiry.js';
import { createLogger, flushLogger, type Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import { Readiness } from '../telemetry/readiness.js';
import { startTracing, type TracingSettings } from '../telemetry/tracing.js';
import { setupAccess } from '../app/access.js';
import { callGuard } from '../app/call-guard.js';
import { ALL_TOOLS, TOOLSETS } from '../tools/index.js';
import { startStdioServer } from '../transports/stdio.js';

export interface RunningServer {
  /** The MCP URL for HTTP, undefined for stdio. */
  readonly url: string | undefined;
  readonly logger: Logger;
  /** Readiness of every secret source (token, key, certificates); /readyz consults `ok()`. */
  readonly secretHealth: SecretHealth;
  /** The separate metrics listener's /metrics URL, when `--metrics-port` is set. */
  readonly metricsUrl: string | undefined;
  /**
   * Drains (readiness flips, new calls refused, accepted ones finish within the grace period), then
   * cancels and answers the calls still running, flushes audit and traces, and stops.
   */
  close(): Promise<void>;
  /** close() finishes within this many milliseconds: the grace period plus SHUTDOWN_MARGIN_SECONDS. */
  readonly stopWithinMs: number;
}

export interface ServeOptions {
  proxy?: ProxyEnv;
  /** Pre-built directory (the demo passes one pointing at its own simulator). */
  directory?: CesDirectory;
  logger?: Logger;
  /** Non-fatal configuration findings (unknown keys in dev, prod violations in stage): logged once at start. */
  configWarnings?: readonly string[];
  /** Secret readiness; created here when not given (a caller with a pre-built directory registers its own). */
  secretHealth?: SecretHealth;
  /** From the standard OTEL_* variables (telemetry/tracing.ts); tracing is off without them. */
  tracing?: TracingSettings;
}

export async function serve(config: Config, options: ServeOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.log.level });
  // A configuration without a CES instance is refused when it is loaded (config/load.ts, NO_CES_INSTANCE).
  for (const warning of options.configWarnings ?? []) logger.warn({ profile: config.profile }, `configuration: ${warning}`);
  const secretHealth = options.secretHealth ?? new SecretHealth();
  // Metrics only when something can scrape them; tracing only when OTEL_* asks (no SDK loaded otherwise).
  // prom-client (and the OpenTelemetry API it pulls in) and the HTTP transport are imported only when
  // used, which keeps stdio start-up and memory small.
  const metrics: Metrics | undefined =
    config.transport === 'http' || config.metrics.port !== undefined ? new (await import('../telemetry/metrics.js')).Metrics() : undefined;
  const tracing = options.tracing ? await startTracing(options.tracing) : undefined;
  if (options.tracing) logger.info({ tracing: options.tracing.enabled, reason: options.tracing.reason }, 'tracing');
  // Every rotated secret file (CES, confirmation key, per-user tokens, listener TLS) feeds one counter.
  const onSecretReload = metrics ? ({ result }: { result: 'ok' | 'failed' }) => metrics.secretReload(result) : undefined;
  const directory =
    options.directory ?? buildCesDirectory(config, { logger, proxy: options.proxy, secretHealth, cesObserver: cesObserver(metrics, tracing), onSecretReload });
  for (const d of directory.describe()) metrics?.breakerState(d.instance, directory.breakerState?.(d.instance) ?? 'closed');
  metrics?.certificateExpiry(certificateExpiryReader(configuredCertificates(config)));
  let audit;
  try {
    const { rotateBytes: maxBytes, rotateIntervalSeconds: intervalSeconds, retainFiles } = config.audit;
    const sink = await createAuditSink(
      { file: config.audit.file, durability: config.audit.durability, rotation: { maxBytes, intervalSeconds, retainFiles } },
      auditSinkHooks(logger, metrics),
    );
    audit = createAuditTrail(sink, { failMode: config.audit.failMode, logger, metrics });
  } catch (error) {
    if (!options.directory) await directory.close();
    await tracing?.shutdown();
    throw new ConfigError([`ISPW_MCP_AUDIT_FILE / --audit-file: cannot open the audit file: ${(error as Error).message}`]);
  }
  const drain = new Drain();
  const readiness = new Readiness({
    directory,
    secrets: secretHealth,
    isDraining: () => drain.draining,
    audit,
    cacheMs: config.health.readyCacheSeconds * 1000,
    metrics,
    logger,
  });
  const missingSecrets = secretHealth.problems();
  if (missingSecrets.length > 0) logger.warn({ secrets: missingSecrets }, 'secrets without a usable value; not ready until they appear');
  // Access control: tool bounds, policy, confirmations, CES identity, limits, HTTP authentication.
  let accessSetup;
  try {
    accessSetup = setupAccess(config, {
      logger,
      tools: ALL_TOOLS,
      toolsets: TOOLSETS,
      metrics,
      secretHealth,
      onSecretReload,
      onScopeDenied: scopeDenialRecorder(audit, directory, logger),
    });
  } catch (error) {
    if (!options.directory) await directory.close();
    await tracing?.shutdown();
    throw error;
  }
  // CES calls this replica back when a set a waiting call created ends (HTTP transport only).
  const { callbackUrl, callbackEvents, callbackMaxPollIntervalMs } = config.wait;
  const callbacks = callbackUrl ? new SetCallbacks({ url: callbackUrl, events: callbackEvents, maxPollIntervalMs: callbackMaxPollIntervalMs }) : undefined;
  const factory = createServerFactory({
    tools: accessSetup.tools,
    guard: callGuard(accessSetup.access, { confirmable: accessSetup.confirmable }),
    directory,
    logger,
    // One SetPolls per replica: waits on the same set share reads, and the poll budget is per CES instance.
    wait: { ...config.wait, polls: new SetPolls(), callbacks },
    shutdownSignal: drain.signal,
    drain,
    metrics,
    tracing,
    audit,
    transport: config.transport,
  });
  logger.info({ instances: directory.describe(), transport: config.transport, audit: audit.description }, 'starting ispw-mcp');

  // Imported on demand: an ESM import of node:http makes Node evaluate every export of the module,
  // which loads its bundled undici (WebSocket), http2 and web streams: ~15 MB of RSS a stdio server
  // without --metrics-port has no use for.
  const metricsServer =
    config.metrics.port !== undefined
      ? await (await import('../telemetry/metrics-server.js')).startMetricsServer(config.metrics.host, config.metrics.port, { metrics, readiness, logger })
      : undefined;
  const stopTransport =
    config.transport === 'http'
      ? await (
          await import('../transports/http.js')
        ).startHttpServer(factory, { ...config.http, gate: accessSetup.gate, tls: accessSetup.tls, fastToolCalls: config.http.fastPath }, logger, {
          metrics,
          readiness,
          drain,
          tracing,
          callbacks,
        })
      : startStdioServer(factory, logger);
  const url = 'url' in stopTransport ? (stopTransport.url as string) : undefined;
  let closing: Promise<void> | undefined;
  const graceMs = config.shutdown.graceSeconds * 1000;
  return {
    url,
    logger,
    secretHealth,
    metricsUrl: metricsServer?.url,
    stopWithinMs: graceMs + SHUTDOWN_MARGIN_SECONDS * 1000,
    close: () =>
      (closing ??= (async () => {
        // Readiness flips and new calls are refused at once; accepted calls get the grace period.
        drain.start();
        logger.info({ inflight: drain.inflight, graceSeconds: config.shutdown.graceSeconds }, 'draining');
        const left = await drain.settle(graceMs);
        if (left > 0) {
          // Every call still running is cancelled and answered (a tool error naming its set), and
          // its audit outcome written, before any listener or session closes (src/mcp/drain.ts).
          logger.warn({ inflight: left }, 'grace period over: cancelling and answering the calls still running');
          drain.cancel();
          const stuck = await drain.settle(CANCEL_WINDOW_MS);
          if (stuck > 0) logger.error({ inflight: stuck }, 'calls did not end after cancellation; their callers may get no answer');
        }
        // A finished callback's response is sent on the next turn of the event loop (stdio).
        await new Promise((resolve) => setImmediate(resolve));
        await stopTransport.close();
        accessSetup.close();
        await audit.close();
        // Traces are best effort at shutdown (the audit trail is not): bounded, like closing the CES
        // clients, whose requests a cancelled tool may have left behind.
        if (tracing && (await within(tracing.shutdown(), TRACE_FLUSH_MS)) !== 'done') logger.warn('traces not fully exported at shutdown');
        await metricsServer?.close();
        if (!options.directory) await within(directory.close(), LISTENER_CLOSE_MS);
        logger.info('ispw-mcp stopped');
        await flushLogger(logger);
      })()),
  };
}

/** Waits for `work`, at most `ms`: 'done', or 'failed' / 'late' (then it is left to finish on its own). */
async function within(work: Promise<unknown>, ms: number): Promise<'done' | 'failed' | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const outcome = await Promise.race([
    work.then(
      () => 'done' as const,
      () => 'failed' as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  return outcome;
}
