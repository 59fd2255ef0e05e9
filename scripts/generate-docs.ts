// Regenerates everything derived from code: docs/configuration.md, docs/tools.md and the tables in
// README.md. A test fails when the committed files differ from this output.
import { readFileSync, writeFileSync } from 'node:fs';

import { auditJsonSchema } from '../src/audit/schema.js';
import { renderConfigurationDoc } from '../src/config/docs.js';
import { renderReadmeTables } from './lib/readme-tables.js';
import { ALL_TOOLS } from '../src/tools/index.js';
import { measureToolsList, renderToolsDoc } from './generate-tools-doc.js';

const at = (path: string) => new URL(`../${path}`, import.meta.url);
writeFileSync(at('docs/configuration.md'), renderConfigurationDoc());
for (const version of ['1', '2'] as const) {
  writeFileSync(at(`docs/audit/audit-event.v${version}.schema.json`), `${JSON.stringify(auditJsonSchema(version), null, 2)}\n`);
}
writeFileSync(at('docs/tools.md'), await renderToolsDoc());
writeFileSync(at('README.md'), renderReadmeTables(readFileSync(at('README.md'), 'utf8'), ALL_TOOLS, await measureToolsList()));
process.stderr.write('docs/configuration.md, docs/tools.md and README.md tables regenerated\n');
