// Preload hook for bench/startup.ts: records every module URL the process loads (ESM via a
// synchronous resolve hook, CommonJS via Module._load) into $BENCH_MODULE_LIST at exit.
import { appendFileSync } from 'node:fs';
import Module, { registerHooks } from 'node:module';

const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    seen.add(result.url);
    return result;
  },
});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try {
    seen.add(`file://${Module._resolveFilename(request, parent, isMain)}`);
  } catch {
    // not resolvable: Node reports it when it loads the module
  }
  return load.apply(this, arguments);
};
process.on('exit', () => appendFileSync(process.env.BENCH_MODULE_LIST, [...seen].join('\n') + '\n'));
