// ispw_regress: move tasks back to the previous level (ces-api.md §2.1, §2.2).
// Destructive: regression removes the tasks' code from the level they leave.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, runLifecycle } from '../shared/lifecycle.js';

export const regress = defineTool({
  name: 'ispw_regress',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Regress',
  description: "Regress an assignment's or release's tasks from a level back to the previous level, creating a set.",
  input: z.object({ ...lifecycleInput, ...pickSetOptions('runtime_configuration', 'change_type') }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('regress', input, ctx),
});
