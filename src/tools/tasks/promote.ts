// ispw_promote: move tasks to the next level (docs/ces-api.md §2.1, §2.2).
// Destructive: promotion can overwrite code at the next level (see `override`).
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, lifecycleSubject, runLifecycle } from '../shared/lifecycle.js';

export const promote = defineTool({
  name: 'ispw_promote',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Promote',
  description: "Promote an assignment's or release's tasks from a level to the next level.",
  access: {
    scope: 'ispw:write',
    operation: 'promote',
    ticket: true,
    subject: lifecycleSubject('next'),
  },
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' }, shows: 'an assignment promoted from DEV1 to QA' },
      { args: { container_type: 'release', container_id: 'REL2026Q4', level: 'QA' }, shows: 'a release promoted from QA to STG' },
    ],
    fails: [
      {
        args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', task_ids: ['7E3A5D04D0C2'] },
        because: 'CES cannot promote by task id',
      },
    ],
  },
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type', 'execution_status', 'override', 'auto_deploy'),
  }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('promote', input, ctx),
});
