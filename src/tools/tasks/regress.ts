// ispw_regress: move tasks back to the previous level (docs/ces-api.md §2.1, §2.2).
// Destructive: regression removes the tasks' code from the level they leave.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, lifecycleSubject, runLifecycle } from '../shared/lifecycle.js';

export const regress = defineTool({
  name: 'ispw_regress',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Regress',
  description: "Regress an assignment's or release's tasks from a level back to the previous level.",
  access: {
    scope: 'ispw:deploy',
    operation: 'regress',
    ticket: true,
    subject: lifecycleSubject('previous'),
  },
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000298', level: 'QA' }, shows: 'an assignment regressed from QA to DEV1' },
      { args: { container_type: 'release', container_id: 'REL2026Q4', level: 'QA' }, shows: 'a release regressed from QA' },
    ],
    fails: [
      { args: { container_type: 'assignment', container_id: 'PLAY000298', level: 'QA', task_ids: ['7E3A5D04D8A1'] }, because: 'CES cannot regress by task id' },
    ],
  },
  input: z.object({ ...lifecycleInput, ...pickSetOptions('runtime_configuration', 'change_type') }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('regress', input, ctx),
});
