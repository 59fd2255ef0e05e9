// Joins the CES client's observer hooks to metrics and tracing: one observer handed to the CES
// directory, so src/ces never imports telemetry. Returns undefined when both are off (no work).
import type { CesObserver, CesRequestScope } from '../ces/observer.js';
import type { Metrics } from './metrics.js';
import { statusClass } from './names.js';
import type { Tracing } from './tracing.js';

export function cesObserver(metrics: Metrics | undefined, tracing: Tracing | undefined): CesObserver | undefined {
  if (!metrics && !tracing) return undefined;
  const traced = tracing?.cesObserver;
  return {
    requestStarted(info) {
      const started = performance.now();
      const span: CesRequestScope | undefined = traced?.requestStarted?.(info);
      return {
        ...(span?.headers ? { headers: span.headers } : {}),
        finished(result) {
          span?.finished(result);
          if (!metrics) return;
          metrics.cesRequest(info.instance, info.operation, info.method, statusClass(result), (performance.now() - started) / 1000);
          if (result.status === 429) metrics.rateLimit('ces');
        },
      };
    },
    retryScheduled: (info) => metrics?.cesRetry(info.instance, info.operation),
    breakerChanged: (instance, state) => metrics?.breakerState(instance, state),
    shed: () => metrics?.rateLimit('shed'),
  };
}
