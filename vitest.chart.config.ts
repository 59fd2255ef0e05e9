// Vitest settings for the chart tests (test/chart), run by scripts/chart/test.sh after it has
// installed the --kube tools and built the image: one control plane for the whole run (global
// setup), files one after another (they share it, podman and the machine's two cores).
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/chart/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
    globalSetup: ['test/chart/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
