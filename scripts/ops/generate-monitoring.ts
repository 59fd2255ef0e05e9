// Regenerates the monitoring artefacts derived from deploy/monitoring/slos.yaml: the SLO recording
// rules and burn-rate alerts, the Grafana dashboard and the SLO table of docs/slo.md. A test fails
// when the committed files differ from this output (test/ops/generated.test.ts).
import { writeFileSync } from 'node:fs';

import { renderMonitoring } from './monitoring-files.js';

const root = new URL('../../', import.meta.url);
for (const [path, text] of renderMonitoring(root)) writeFileSync(new URL(path, root), text);
process.stderr.write('deploy/monitoring (SLO rules, dashboard) and the SLO table of docs/slo.md regenerated\n');
