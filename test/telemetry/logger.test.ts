// The logger: JSON lines with time, level, message, service and version; secret-bearing fields
// redacted wherever they appear (the second line of defence — the first is never logging them).
import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createLogger } from '../../src/telemetry/logger.js';
import { tracingSettingsFromEnv } from '../../src/telemetry/tracing.js';

const CANARY = 'log-canary-1f4e9b2c-77aa';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

describe('logger', () => {
  it('writes JSON lines with time, level, message, service and version, and request-scoped fields', () => {
    const { logger, lines } = capture();
    logger.child({ correlationId: 'c-1', mcpMethod: 'tools/call', tool: 'ispw_get_set', cesInstance: 'prod', srid: 'CW09' }).info('tool call failed at CES');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'tool call failed at CES',
      service: 'ispw-mcp',
      correlationId: 'c-1',
      mcpMethod: 'tools/call',
      tool: 'ispw_get_set',
      cesInstance: 'prod',
      srid: 'CW09',
    });
    expect(new Date(line.time as string).toISOString()).toBe(line.time);
    expect(line.version).toBeTypeOf('string');
  });

  it('redacts every secret-bearing field, at the top and one level down', () => {
    const { logger, lines } = capture();
    logger.info({ token: CANARY, authorization: CANARY, password: CANARY, passphrase: CANARY, key: CANARY }, 'top');
    logger.info({ request: { token: CANARY, authorization: CANARY, password: CANARY, passphrase: CANARY, key: CANARY } }, 'nested');
    logger.info({ headers: { authorization: CANARY } }, 'headers');
    logger.info({ response: { headers: { authorization: CANARY } } }, 'nested headers');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).not.toContain(CANARY);
      expect(line).toContain('[redacted]');
    }
  });
});

describe('tracing settings', () => {
  it('are off without OTEL variables, and on with an endpoint', () => {
    expect(tracingSettingsFromEnv({}).enabled).toBe(false);
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
    const on = tracingSettingsFromEnv({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    });
    expect(on).toMatchObject({
      enabled: true,
      protocol: 'http/protobuf',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      batch: { scheduledDelayMillis: 200 },
    });
    expect(() => tracingSettingsFromEnv({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/http\/protobuf or http\/json/);
  });

  it('load no OpenTelemetry module when off (no start-up cost)', async () => {
    const { startTracing } = await import('../../src/telemetry/tracing.js');
    expect(await startTracing(tracingSettingsFromEnv({}))).toBeUndefined();
    const { readFileSync } = await import('node:fs');
    for (const file of ['src/telemetry/tracing.ts', 'src/mcp/call.ts', 'src/commands/serve.ts', 'src/transports/http.ts', 'src/ces/client.ts']) {
      const text = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/^import[^;]*from '@opentelemetry\//m);
    }
  });
});
