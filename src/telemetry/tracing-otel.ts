// The OpenTelemetry implementation of `Tracing`. Imported dynamically by tracing.ts only when
// tracing is enabled. Spans: `tools/call <tool>` (SERVER, MCP semantic conventions) → `execute_tool
// <tool>` (INTERNAL) → `<METHOD> <url.template>` (CLIENT, one per HTTP attempt to CES), with W3C
// `traceparent` injected into the CES request. Exporter endpoint, headers, timeouts, batching and
// sampling come from the standard OTEL_* variables, read by the SDK itself.
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

import type { CesObserver } from '../ces/observer.js';
import { PRODUCT } from '../shared/version.js';
import { ATTR } from './names.js';
import type { CallSpanInfo, CallTrace, Tracing, TracingSettings } from './tracing.js';

const headerGetter: TextMapGetter<(name: string) => string | null | undefined> = {
  get: (get, key) => get(key) ?? undefined,
  keys: () => ['traceparent', 'tracestate'],
};

function fail(span: Span, errorType: string): void {
  span.setAttribute(ATTR.errorType, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function samplerOf(settings: TracingSettings['sampler']): Sampler {
  const root = settings.name.endsWith('always_off')
    ? new AlwaysOffSampler()
    : settings.name.endsWith('traceidratio')
      ? new TraceIdRatioBasedSampler(settings.ratio)
      : new AlwaysOnSampler();
  return settings.name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

export async function createOtelTracing(settings: TracingSettings): Promise<Tracing> {
  const { OTLPTraceExporter } =
    settings.protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  const resource = resourceFromAttributes({ 'service.name': PRODUCT.name, 'service.version': PRODUCT.version }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new TracerProvider({
    resource,
    sampler: samplerOf(settings.sampler),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...settings.batch })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const propagator = new W3CTraceContextPropagator();
  const tracer = provider.getTracer(PRODUCT.name, PRODUCT.version);

  const startCall = (info: CallSpanInfo): CallTrace => {
    // 2026-era clients carry the caller's context in `_meta`; otherwise the HTTP headers (made
    // active by withIncoming) or nothing (stdio) are the parent.
    const parent = info.traceparent
      ? propagator.extract(ROOT_CONTEXT, { traceparent: info.traceparent, tracestate: info.tracestate }, defaultTextMapGetter)
      : context.active();
    const server = tracer.startSpan(
      `tools/call ${info.tool}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR.mcpMethod]: 'tools/call',
          [ATTR.genAiOperation]: 'execute_tool',
          [ATTR.genAiToolName]: info.tool,
          [ATTR.jsonrpcRequestId]: String(info.requestId),
          [ATTR.jsonrpcProtocolVersion]: '2.0',
          [ATTR.networkTransport]: info.transport === 'stdio' ? 'pipe' : 'tcp',
          ...(info.sessionId ? { [ATTR.mcpSession]: info.sessionId } : {}),
          ...(info.protocolVersion ? { [ATTR.mcpProtocolVersion]: info.protocolVersion } : {}),
        },
      },
      parent,
    );
    const serverContext = trace.setSpan(parent, server);
    const tool = tracer.startSpan(
      `execute_tool ${info.tool}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTR.genAiOperation]: 'execute_tool', [ATTR.genAiToolName]: info.tool, [ATTR.toolKind]: info.toolKind },
      },
      serverContext,
    );
    const toolContext = trace.setSpan(serverContext, tool);
    const ids = tool.spanContext();
    return {
      traceId: ids.traceId,
      spanId: ids.spanId,
      run: (fn) => context.with(toolContext, fn),
      target(instance, srid) {
        tool.setAttributes({ [ATTR.cesInstance]: instance, [ATTR.srid]: srid });
      },
      end(errorType) {
        if (errorType) {
          fail(tool, errorType);
          fail(server, errorType);
        }
        tool.end();
        server.end();
      },
    };
  };

  const cesObserver: CesObserver = {
    requestStarted(info) {
      const parent = context.active();
      // CES calls outside a tool call (the readiness probe) are not traced: they would be noise.
      if (trace.getSpan(parent) === undefined) return undefined;
      const span = tracer.startSpan(
        `${info.method} ${info.pathTemplate}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR.httpMethod]: info.method,
            [ATTR.urlTemplate]: info.pathTemplate,
            [ATTR.urlScheme]: info.scheme,
            [ATTR.serverAddress]: info.host,
            [ATTR.serverPort]: info.port,
            [ATTR.cesInstance]: info.instance,
            [ATTR.cesOperation]: info.operation,
            ...(info.resendCount > 0 ? { [ATTR.httpResendCount]: info.resendCount } : {}),
          },
        },
        parent,
      );
      const headers: Record<string, string> = {};
      propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
      return {
        headers,
        finished(result) {
          if (result.status !== undefined) {
            span.setAttribute(ATTR.httpStatus, result.status);
            if (result.status >= 400) fail(span, String(result.status));
          } else if (result.failure) {
            fail(span, result.failure);
          }
          span.end();
        },
      };
    },
  };

  return {
    startCall,
    withIncoming: (getHeader, fn) => context.with(propagator.extract(context.active(), getHeader, headerGetter), fn),
    cesObserver,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      contextManager.disable();
      context.disable();
    },
  };
}
