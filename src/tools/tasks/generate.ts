// ispw_generate: compile the tasks of an assignment or release at a level (ces-api.md §2.1, §2.2).
// Kind write: generating rebuilds load modules at the tasks' own level and can be repeated.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { awaitOutput, awaitParam, lifecycleInput, lifecycleOutput, runLifecycle } from '../shared/lifecycle.js';

export const generate = defineTool({
  name: 'ispw_generate',
  toolset: 'tasks',
  kind: 'write',
  title: 'Generate',
  description:
    'Generate (compile) the tasks of an assignment or release at a level, or chosen assignment tasks, creating a set.',
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type', 'auto_deploy'),
    await_in_ces: awaitParam,
  }),
  output: z.object({ ...lifecycleOutput, ...awaitOutput }),
  run: (input, ctx) => runLifecycle('generate', input, ctx),
});
