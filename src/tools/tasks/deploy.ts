// ispw_deploy: put tasks into their runtime environments (ces-api.md §2.1, §2.2, §2.7 dates).
// Destructive: deployment replaces what runs in the target environments.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { deployTimes, pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, runLifecycle } from '../shared/lifecycle.js';

export const deploy = defineTool({
  name: 'ispw_deploy',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Deploy',
  description:
    "Deploy an assignment's or release's tasks at a level, or chosen assignment tasks, to their runtime environments, creating a set.",
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions(
      'runtime_configuration',
      'change_type',
      'execution_status',
      'dpenvlst',
      'system',
    ),
    ...deployTimes,
  }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('deploy', input, ctx),
});
