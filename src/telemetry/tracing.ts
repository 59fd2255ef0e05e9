// Tracing as the rest of the server sees it: a small interface with no OpenTelemetry import, so a
// server with tracing off loads none of the SDK (no start-up or per-call cost). `startTracing`
// imports the OTel implementation (tracing-otel.ts) dynamically, only when the standard OTEL_*
// variables ask for traces. The settings are parsed here from an env object main.ts passes in.
import type { CesObserver } from '../ces/observer.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

export interface TracingSettings {
  enabled: boolean;
  protocol: OtlpProtocol;
  /** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default parentbased_always_on). */
  sampler: { name: SamplerName; ratio: number };
  /** OTEL_BSP_* batch span processor settings (the SDK no longer reads them itself). */
  batch: { scheduledDelayMillis?: number; maxQueueSize?: number; maxExportBatchSize?: number; exportTimeoutMillis?: number };
  /** Why tracing is off or how it was chosen; logged at start-up. */
  reason: string;
}

/** What is known about one tools/call when its spans start. */
export interface CallSpanInfo {
  tool: string;
  toolKind: string;
  requestId: string | number;
  sessionId?: string | undefined;
  protocolVersion?: string | undefined;
  transport: 'stdio' | 'http';
  /** W3C trace context from the request's `_meta` (2026-era clients); wins over HTTP headers. */
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

/** The spans of one tools/call: the MCP server span and, inside it, the tool execution span. */
export interface CallTrace {
  readonly traceId: string;
  readonly spanId: string;
  /** Runs `fn` with the tool span active, so CES client spans become its children. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Adds bounded attributes once the CES target is known. */
  target(instance: string, srid: string): void;
  /** Ends both spans; `errorType` marks them failed (OTel `error.type`). */
  end(errorType?: string): void;
}

export interface Tracing {
  startCall(info: CallSpanInfo): CallTrace;
  /** Runs `fn` with the W3C context of incoming HTTP headers active (the parent of MCP spans). */
  withIncoming<T>(getHeader: (name: string) => string | null | undefined, fn: () => T): T;
  /** CES client spans and `traceparent` injection, for the CES client's observer hooks. */
  readonly cesObserver: CesObserver;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes'].includes(v.trim().toLowerCase());

/**
 * Reads the standard OpenTelemetry variables. Tracing is on when an OTLP endpoint is configured
 * or `OTEL_TRACES_EXPORTER=otlp`, unless `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
export function tracingSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): TracingSettings {
  const protocolRaw = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const sampler = { name: 'parentbased_always_on' as SamplerName, ratio: 1 };
  const off = (reason: string): TracingSettings => ({ enabled: false, protocol: 'http/protobuf', sampler, batch: {}, reason });
  if (truthy(env.OTEL_SDK_DISABLED)) return off('OTEL_SDK_DISABLED is set');
  if (exporters.includes('none')) return off('OTEL_TRACES_EXPORTER=none');
  if (!exporters.includes('otlp') && !endpoint) return off('no OTLP endpoint configured (set OTEL_EXPORTER_OTLP_ENDPOINT)');
  if (protocolRaw !== 'http/protobuf' && protocolRaw !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocolRaw} is not supported: use http/protobuf or http/json (OTLP over HTTP)`);
  }
  const samplerName = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase() as SamplerName;
  if (!SAMPLERS.includes(samplerName)) throw new Error(`OTEL_TRACES_SAMPLER=${samplerName} is not supported: use one of ${SAMPLERS.join(', ')}`);
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  if (!(ratio >= 0 && ratio <= 1)) throw new Error('OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1');
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
    return n;
  };
  const batch = Object.fromEntries(
    Object.entries({
      scheduledDelayMillis: int('OTEL_BSP_SCHEDULE_DELAY'),
      maxQueueSize: int('OTEL_BSP_MAX_QUEUE_SIZE'),
      maxExportBatchSize: int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
      exportTimeoutMillis: int('OTEL_BSP_EXPORT_TIMEOUT'),
    }).filter(([, v]) => v !== undefined),
  ) as TracingSettings['batch'];
  return { enabled: true, protocol: protocolRaw, sampler: { name: samplerName, ratio }, batch, reason: `OTLP ${protocolRaw}, sampler ${samplerName}` };
}

/** Starts tracing when enabled; undefined otherwise. The SDK is imported only here, only then. */
export async function startTracing(settings: TracingSettings): Promise<Tracing | undefined> {
  if (!settings.enabled) return undefined;
  const { createOtelTracing } = await import('./tracing-otel.js');
  return createOtelTracing(settings);
}
