// ispw_remove_from_release: take tasks out of a release (ces-api.md §2.2 RemoveFromRelease; Jenkins
// sends an empty body). Destructive: the tasks lose their release membership and its scheduling.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam } from '../../mcp/kit/params.js';
import {
  fromMultiTask,
  multiTaskOutput,
  renderMultiTask,
  requireSelection,
  selectionQuery,
  taskSelectionInput,
} from '../shared/multi-task.js';

export const removeFromRelease = defineTool({
  name: 'ispw_remove_from_release',
  toolset: 'releases',
  kind: 'destructive',
  title: 'Remove from release',
  description: 'Remove selected tasks from a release, leaving them in their assignments.',
  input: z.object({
    release_id: releaseIdParam,
    ...taskSelectionInput,
  }),
  output: z.object(multiTaskOutput),
  async run(a, ctx) {
    requireSelection(a);
    const reply = await ctx.ces.call(
      ops.removeFromRelease,
      {
        path: { releaseId: a.release_id },
        query: selectionQuery(a),
        body: {},
      },
      { signal: ctx.signal },
    );
    const r = fromMultiTask(reply);
    return { text: renderMultiTask(`Remove from release ${a.release_id}`, r), structured: r.structured };
  },
});
