import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The container tests need podman and a built image: scripts/image/test.sh runs them.
    // The chart tests need a control plane and the --kube tools: scripts/chart/test.sh runs them.
    exclude: [...configDefaults.exclude, 'test/container/**', 'test/chart/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
