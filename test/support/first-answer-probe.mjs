// Preload for a stdio server under test (`NODE_OPTIONS=--import=<this file>`): when the server
// writes its first tools/list answer to stdout, records what the process had loaded by then
// (Node's built-in modules, the URL of every module resolved) and its young-generation size, into
// the JSON file $FIRST_ANSWER_PROBE. Measures the process without changing what it loads.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { getHeapSpaceStatistics } from 'node:v8';

const resolved = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    resolved.add(result.url);
    return result;
  },
});

const write = process.stdout.write;
let recorded = false;
process.stdout.write = function (chunk, ...rest) {
  if (!recorded && String(chunk).includes('"tools":[')) {
    recorded = true;
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    writeFileSync(
      process.env.FIRST_ANSWER_PROBE,
      JSON.stringify({ builtins: process.moduleLoadList, modules: [...resolved], newSpaceBytes: newSpace?.space_size }),
    );
  }
  return write.call(this, chunk, ...rest);
};
