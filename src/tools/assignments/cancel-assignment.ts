// ispw_cancel_assignment: cancel an assignment (docs/ces-api.md §2.1 CancelAssignment).
// Destructive: cancelling abandons the assignment's changes and cannot be undone.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam } from '../../mcp/kit/params.js';
import { containerActionResult } from '../shared/container-action.js';
import { dropUndefined } from '../shared/set-op.js';

export const cancelAssignment = defineTool({
  name: 'ispw_cancel_assignment',
  toolset: 'assignments',
  kind: 'destructive',
  title: 'Cancel assignment',
  description: 'Cancel an assignment that will not be completed, abandoning its changes.',
  access: {
    scope: 'ispw:write',
    operation: 'cancel_assignment',
    ticket: false,
    subject: (a) => ({ container: { type: 'assignment', id: a.assignment_id } }),
  },
  examples: {
    succeeds: [{ args: { assignment_id: 'PLAY000314' }, shows: 'an open assignment cancelled' }],
    fails: [{ args: { assignment_id: 'PLAY000250' }, because: 'the assignment is closed already (CES 409)' }],
  },
  input: z.object({ assignment_id: assignmentIdParam }),
  output: z.object({ assignmentId: z.string(), message: z.string().optional() }),
  async run({ assignment_id }, ctx) {
    const reply = await ctx.ces.call(ops.cancelAssignment, { path: { assignmentId: assignment_id }, body: { runtimeConfiguration: ctx.ces.runtimeConfig } });
    const r = containerActionResult('Cancelled', 'assignment', assignment_id, reply);
    return { text: r.text, structured: dropUndefined({ assignmentId: assignment_id, message: r.message }) };
  },
});
