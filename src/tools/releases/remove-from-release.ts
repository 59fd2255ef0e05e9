// ispw_remove_from_release: take tasks out of a release (ces-api.md §2.2 RemoveFromRelease; Jenkins
// sends an empty body). Destructive: the tasks lose their release membership and its scheduling.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { levelParam, moduleNameParam, moduleTypeParam, releaseIdParam, taskIdsParam } from '../../mcp/kit/params.js';
import { fromMultiTask, multiTaskOutput, renderMultiTask, requireSelection } from '../shared/multi-task.js';

export const removeFromRelease = defineTool({
  name: 'ispw_remove_from_release',
  toolset: 'releases',
  kind: 'destructive',
  title: 'Remove from release',
  description: 'Remove selected tasks from a release, leaving them in their assignments.',
  input: z.object({
    release_id: releaseIdParam,
    level: levelParam.optional(),
    task_ids: taskIdsParam.optional(),
    module_name: moduleNameParam.optional(),
    module_type: moduleTypeParam.optional(),
  }),
  output: z.object(multiTaskOutput),
  async run(a, ctx) {
    requireSelection(a);
    const reply = await ctx.ces.call(
      ops.removeFromRelease,
      {
        path: { releaseId: a.release_id },
        query: { level: a.level, mname: a.module_name, mtype: a.module_type, taskId: a.task_ids },
        body: {},
      },
      { signal: ctx.signal },
    );
    const r = fromMultiTask(reply);
    return { text: renderMultiTask(`Remove from release ${a.release_id}`, r), structured: r.structured };
  },
});
