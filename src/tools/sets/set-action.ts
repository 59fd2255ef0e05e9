// ispw_set_action: hold, release, lock, unlock, delete, restart, terminate, approve, deny or reset
// a set (ces-api.md §6). Destructive: delete and terminate stop work irrecoverably, and approvals
// let changes through to production.
import { z } from 'zod';

import { ops, SET_ACTIONS, SET_ACTIONS_NEEDING_APPROVER } from '../../ces/operations.js';
import { toSetOptionsBody } from '../../ces/set-options.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import { setIdParam, userIdParam, waitSecondsParam } from '../../mcp/kit/params.js';
import { pickSetOptions, setOpOutput } from '../shared/fields.js';
import { finishSetOp, renderSetOp } from '../shared/set-op.js';

export const setAction = defineTool({
  name: 'ispw_set_action',
  toolset: 'sets',
  kind: 'destructive',
  title: 'Set action',
  description: 'Control a running or waiting set: hold, release, lock, unlock, delete, restart, terminate, approve, deny or reset it.',
  input: z.object({
    set_id: setIdParam,
    action: z.enum(SET_ACTIONS),
    approver: userIdParam.optional().describe('approver user id (approve, deny, reset)'),
    ...pickSetOptions('runtime_configuration'),
    wait_seconds: waitSecondsParam,
  }),
  output: z.object({ action: z.string(), ...setOpOutput }),
  async run(a, ctx) {
    const needsApprover = SET_ACTIONS_NEEDING_APPROVER.includes(a.action);
    if (needsApprover && !a.approver) {
      throw new ToolInputError(`Set action ${a.action} needs approver.`, 'Give the approver user id.');
    }
    const reply = await ctx.ces.call(
      ops.setAction,
      {
        path: { setId: a.set_id, action: a.action },
        query: { approver: needsApprover ? a.approver : undefined },
        body: toSetOptionsBody(a, ctx.ces.runtimeConfig),
      },
      { signal: ctx.signal },
    );
    // The action applies to a known set, so a reply without `setId` still lets the caller wait on it.
    const result = await finishSetOp(ctx, { setId: reply.setId?.trim() || a.set_id, message: reply.message }, a.wait_seconds);
    return { text: renderSetOp(`${a.action} of set ${a.set_id}`, result), structured: { action: a.action, ...result } };
  },
});
