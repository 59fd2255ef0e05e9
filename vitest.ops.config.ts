// Vitest settings for the operations tests (test/ops), run by scripts/ops/test.sh after it has
// installed promtool, amtool, alertmanager and the OpenTelemetry Collector (install-tools --ops):
// Prometheus rules and their unit tests, Alertmanager routing and inhibition, the dashboard and
// runbooks against a real server's metrics, SIEM shipping, DR restore and the compliance bundle.
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/ops/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file starts servers, collectors or promtool runs of its own: one at a time on a shared machine.
    fileParallelism: false,
  },
});
