// Vitest settings for the container tests (test/container), run by scripts/image/test.sh after it
// has built the image: one file at a time, since they drive podman and a no-cache rebuild.
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/container/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
