// ispw_set_action: hold, release, lock, unlock, delete, restart, terminate, approve, deny or reset
// a set (docs/ces-api.md §6). Destructive: delete and terminate stop work irrecoverably, and approvals
// let changes through to production.
import { z } from 'zod';

import { ops, SET_ACTIONS, SET_ACTIONS_NEEDING_APPROVER } from '../../ces/operations.js';
import { toSetOptionsBody } from '../../ces/set-options.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import type { ToolContext } from '../../mcp/kit/context.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import type { WaitPurpose } from '../../mcp/kit/set-outcome.js';
import { isTransient } from '../../mcp/kit/wait-for-set.js';
import { setIdParam, userIdParam, waitSecondsParam } from '../../mcp/kit/params.js';
import { deploymentsOutput, pickSetOptions, setOpOutput } from '../shared/fields.js';
import { finishSetOp, renderSetOp, setOpFailed, structuredOf } from '../shared/set-op.js';

export const setAction = defineTool({
  name: 'ispw_set_action',
  toolset: 'sets',
  kind: 'destructive',
  title: 'Set action',
  description: 'Hold, release, approve, restart or otherwise act on a set.',
  access: {
    byAction: {
      argument: 'action',
      each: {
        hold: { operation: 'set_hold', scope: 'ispw:write' },
        release: { operation: 'set_release', scope: 'ispw:write' },
        lock: { operation: 'set_lock', scope: 'ispw:write' },
        unlock: { operation: 'set_unlock', scope: 'ispw:write' },
        restart: { operation: 'set_restart', scope: 'ispw:write' },
        // Irrecoverable, or letting a change through an approval gate: the deploy scope.
        delete: { operation: 'set_delete', scope: 'ispw:deploy' },
        terminate: { operation: 'set_terminate', scope: 'ispw:deploy' },
        approve: { operation: 'set_approve', scope: 'ispw:deploy' },
        deny: { operation: 'set_deny', scope: 'ispw:deploy' },
        reset: { operation: 'set_reset', scope: 'ispw:deploy' },
      },
    },
    ticket: false,
    subject: (a) => ({ container: { type: 'set', id: a.set_id } }),
  },
  examples: {
    succeeds: [
      { args: { set_id: 'S000238584', action: 'approve', approver: 'USER01' }, shows: 'a set waiting for approval approved' },
      { args: { set_id: 'S000238585', action: 'release' }, shows: 'a held set released' },
    ],
    fails: [
      { args: { set_id: 'S000238584', action: 'approve' }, because: 'approve needs an approver' },
      { args: { set_id: 'S000238580', action: 'approve', approver: 'USER01' }, because: 'the set is closed, nothing waits for approval (CES 409)' },
    ],
  },
  input: z.object({
    set_id: setIdParam,
    action: z.enum(SET_ACTIONS),
    approver: userIdParam.optional().describe('approver user id (approve, deny, reset)'),
    ...pickSetOptions('runtime_configuration'),
    wait_seconds: waitSecondsParam,
  }),
  output: z.object({ action: z.string(), ...setOpOutput, ...deploymentsOutput }),
  async run(a, ctx) {
    const needsApprover = SET_ACTIONS_NEEDING_APPROVER.includes(a.action);
    if (needsApprover && !a.approver) {
      throw new ToolInputError(`Set action ${a.action} needs approver.`, 'Give the approver user id.');
    }
    const waits = (a.wait_seconds ?? 0) > 0;
    // Right after an action CES still shows the set's old state (docs/ces-api.md errata E1): read it
    // first, so that a wait cannot mistake it for the action's outcome.
    const stateBefore = waits ? await stateOf(ctx, a.set_id) : undefined;
    const reply = await ctx.ces.call(ops.setAction, {
      path: { setId: a.set_id, action: a.action },
      query: { approver: needsApprover ? a.approver : undefined },
      body: toSetOptionsBody(a, ctx.ces.runtimeConfig),
    });
    // The action applies to a known set, so a reply without `setId` still lets the caller wait on it.
    const purpose: WaitPurpose = { kind: 'action', action: a.action };
    const result = await finishSetOp(ctx, { setId: reply.setId?.trim() || a.set_id, message: reply.message }, a.wait_seconds, {
      purpose,
      setRequired: false,
      // A set that closes after approve, restart or release may carry a deployment: read it if there is one.
      evidence: a.action === 'delete' ? 'none' : 'deploy-if-any',
      stateBefore,
    });
    return {
      text: renderSetOp(`${a.action} of set ${a.set_id}`, result, stateBefore),
      structured: { action: a.action, ...structuredOf(result) },
      isError: setOpFailed(result, purpose),
    };
  },
});

/** The set's state before the action; unknown when CES cannot say right now (the wait then relies on its first interval). */
async function stateOf(ctx: ToolContext, setId: string): Promise<string | undefined> {
  try {
    return (await ctx.ces.call(ops.getSet, { path: { setId } })).state?.trim() || undefined;
  } catch (error) {
    if (isTransient(error)) return undefined;
    throw error;
  }
}
