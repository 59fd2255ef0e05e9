// Regenerates the docs that are derived from code: docs/configuration.md and docs/tools.md.
import { writeFileSync } from 'node:fs';

import { renderConfigurationDoc } from '../src/config/docs.js';
import { renderToolsDoc } from './generate-tools-doc.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationDoc());
writeFileSync(new URL('../docs/tools.md', import.meta.url), await renderToolsDoc());
process.stderr.write('docs/configuration.md and docs/tools.md regenerated\n');
