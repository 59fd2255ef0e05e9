// Keeps V8's young generation at its initial size while the process starts (docs/performance.md,
// "stdio idle RSS"). Start-up builds ~15 MB of long-lived data (modules, zod schemas, tool lists);
// V8 doubles the young generation whenever more bytes than its size survived scavenges since it
// last grew, so start-up takes it from 1 to 16 MB per semi-space, and an idle server never runs the
// GC that would shrink it again: ~15 MB of RSS for nothing. Once the server is up the pin is released, so calls under load get V8's usual sizing
// (a young generation pinned for good cost ~25 % more CPU per call at 64 concurrent stdio calls).
// The bin cannot pass `--max-semi-space-size` (a shebang cannot carry flags portably, and
// re-executing Node is not an option), so the process sets the growth factor V8 reads on every
// young-generation resize. V8 refuses factors below 2 on the command line; at run time the value
// is used as is, and 1 means "do not grow" (test/shared/young-generation.test.ts checks the effect).
import { createRequire } from 'node:module';

// `node:v8` through require: an ESM import would evaluate every export of the module.
const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');

// V8's own default; the command line refuses values below it, which is why a pin is set at run time.
const V8_DEFAULT_GROWTH_FACTOR = 2;

/**
 * Young-generation or heap-size flags the operator passed; when present, the operator decides. A
 * `--max-semi-space-size` alone (the image sets 32 MB, docs/container.md) only caps the growth the
 * pin holds back during start-up, so it leaves the pin in place.
 */
const OPERATOR_HEAP_FLAG = /--min[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor|--max[-_]heap[-_]size/;

export interface YoungGenerationPin {
  /** Whether the pin is in effect (false when the operator set heap flags of their own). */
  readonly pinned: boolean;
  /** Lets the young generation grow again (V8's default factor); idempotent. */
  release(): void;
}

/**
 * Pins the young generation at its initial size, unless `execArgv` or `NODE_OPTIONS` carry heap
 * flags of the operator's. Call it before the modules are loaded (start-up is when it would grow)
 * and release it once the server is up.
 */
export function pinYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): YoungGenerationPin {
  if ([...execArgv, nodeOptions ?? ''].some((arg) => OPERATOR_HEAP_FLAG.test(arg))) return { pinned: false, release: () => {} };
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  let released = false;
  return {
    pinned: true,
    release: () => {
      if (released) return;
      released = true;
      v8.setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
    },
  };
}
