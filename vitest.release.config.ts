// Vitest settings for the supply-chain tests (test/release), run by scripts/release/test.sh after it
// has installed the pinned release tools: one file at a time — they build and push images, run a
// loopback registry and call cosign, kyverno and osv-scanner.
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/release/**/*.test.ts'],
    exclude: [...configDefaults.exclude],
    testTimeout: 180_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
