// ispw_close_assignment: close an assignment (ces-api.md §2.1 CloseAssignment).
// Destructive: closing cannot be undone.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam } from '../../mcp/kit/params.js';
import { containerActionResult } from '../shared/container-action.js';
import { dropUndefined } from '../shared/set-op.js';

export const closeAssignment = defineTool({
  name: 'ispw_close_assignment',
  toolset: 'assignments',
  kind: 'destructive',
  title: 'Close assignment',
  description: 'Close an assignment whose work is finished, so it leaves active lists.',
  input: z.object({ assignment_id: assignmentIdParam }),
  output: z.object({ assignmentId: z.string(), message: z.string().optional() }),
  async run({ assignment_id }, ctx) {
    const reply = await ctx.ces.call(
      ops.closeAssignment,
      { path: { assignmentId: assignment_id }, body: { runtimeConfiguration: ctx.ces.runtimeConfig } },
      { signal: ctx.signal },
    );
    const r = containerActionResult('Closed', 'assignment', assignment_id, reply);
    return { text: r.text, structured: dropUndefined({ assignmentId: assignment_id, message: r.message }) };
  },
});
