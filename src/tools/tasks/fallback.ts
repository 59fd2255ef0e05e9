// ispw_fallback: undo a deployment (ces-api.md §2.1, §2.2; sets: §2.3 FallbackSet).
// Destructive: restores earlier code in the runtime environments.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, runLifecycle } from '../shared/lifecycle.js';

export const fallback = defineTool({
  name: 'ispw_fallback',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Fallback',
  description:
    "Fall back (undo) the deployment of an assignment's or release's tasks at a level, or of a whole set, creating a set.",
  input: z.object({ ...lifecycleInput, ...pickSetOptions('runtime_configuration', 'change_type') }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('fallback', input, ctx),
});
