// yaml (72 modules), required on first use rather than imported at start-up: only reading a config
// or policy file needs it, and most stdio servers have neither. Synchronous (yaml's Node entry is
// CommonJS) because its callers are (docs/performance.md, "lazy jose and yaml").
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

/** yaml's `parse`, same behaviour and errors as a static `import { parse } from 'yaml'`. */
export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml.parse(text);
}
