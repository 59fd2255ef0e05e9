// ispw_close_assignment: close an assignment (docs/ces-api.md §2.1 CloseAssignment).
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
  access: {
    scope: 'ispw:write',
    operation: 'close_assignment',
    ticket: false,
    subject: (a) => ({ container: { type: 'assignment', id: a.assignment_id } }),
  },
  examples: {
    succeeds: [{ args: { assignment_id: 'PLAY000298' }, shows: 'a finished assignment closed' }],
    fails: [{ args: { assignment_id: 'PLAY999999' }, because: 'no such assignment (CES 404)' }],
  },
  input: z.object({ assignment_id: assignmentIdParam }),
  output: z.object({ assignmentId: z.string(), message: z.string().optional() }),
  async run({ assignment_id }, ctx) {
    const reply = await ctx.ces.call(ops.closeAssignment, { path: { assignmentId: assignment_id }, body: { runtimeConfiguration: ctx.ces.runtimeConfig } });
    const r = containerActionResult('Closed', 'assignment', assignment_id, reply);
    return { text: r.text, structured: dropUndefined({ assignmentId: assignment_id, message: r.message }) };
  },
});
