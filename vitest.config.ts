import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The container tests need podman and a built image: scripts/image/test.sh runs them.
    // The chart tests need a control plane and the --kube tools: scripts/chart/test.sh runs them.
    // The supply-chain tests need the release tools: scripts/release/test.sh runs them.
    // The operations tests need promtool, Alertmanager and a collector: scripts/ops/test.sh runs them.
    exclude: [...configDefaults.exclude, 'test/container/**', 'test/chart/**', 'test/release/**', 'test/ops/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
