// ispw_remove_from_release: take tasks out of a release (docs/ces-api.md §2.2 RemoveFromRelease; Jenkins
// sends an empty body). Destructive: the tasks lose their release membership and its scheduling.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam } from '../../mcp/kit/params.js';
import { fromMultiTask, multiTaskOutput, renderMultiTask, requireSelection, selectionQuery, taskSelectionInput } from '../shared/multi-task.js';

export const removeFromRelease = defineTool({
  name: 'ispw_remove_from_release',
  toolset: 'releases',
  kind: 'destructive',
  title: 'Remove from release',
  description: 'Remove selected tasks from a release, leaving them in their assignments.',
  access: {
    scope: 'ispw:write',
    operation: 'remove_from_release',
    ticket: false,
    subject: (a) => ({
      container: { type: 'release', id: a.release_id },
      level: a.level,
      tasks: { ids: a.task_ids, moduleName: a.module_name, moduleType: a.module_type },
    }),
  },
  examples: {
    succeeds: [{ args: { release_id: 'REL2026Q4', level: 'DEV1' }, shows: 'the tasks at one level taken out of a release' }],
    fails: [{ args: { release_id: 'REL2026Q4' }, because: 'no tasks selected: give level, task_ids or module_name/module_type' }],
  },
  input: z.object({
    release_id: releaseIdParam,
    ...taskSelectionInput,
  }),
  output: z.object(multiTaskOutput),
  async run(a, ctx) {
    requireSelection(a);
    const reply = await ctx.ces.call(ops.removeFromRelease, {
      path: { releaseId: a.release_id },
      query: selectionQuery(a),
      body: {},
    });
    const r = fromMultiTask(reply);
    return { text: renderMultiTask(`Remove from release ${a.release_id}`, r), structured: r.structured };
  },
});
