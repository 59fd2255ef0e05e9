// ispw_promote: move tasks to the next level (ces-api.md §2.1, §2.2).
// Destructive: promotion can overwrite code at the next level (see `override`).
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, runLifecycle } from '../shared/lifecycle.js';

export const promote = defineTool({
  name: 'ispw_promote',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Promote',
  description: "Promote an assignment's or release's tasks from a level to the next level, creating a set.",
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type', 'execution_status', 'override', 'auto_deploy'),
  }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('promote', input, ctx),
});
