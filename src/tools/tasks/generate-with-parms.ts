// ispw_generate_with_parms: generate one task with changed generate parameters (docs/ces-api.md §2.4
// GenerateWithParm, submit). Kind write, like ispw_generate.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import { CONTAINER_TYPE_CODE, setIdParam, taskIdParam, textParam, waitSecondsParam } from '../../mcp/kit/params.js';
import { failedTasksOutput, setOpOutput } from '../shared/fields.js';
import { parseGenParmForm, unquoteSetId, type GenParm } from '../shared/gen-parm-form.js';
import { containerIdParam } from '../shared/lifecycle.js';
import { LIFECYCLE_WAIT } from '../../mcp/kit/set-outcome.js';
import { finishSetOp, renderSetOp, setOpFailed, structuredOf } from '../shared/set-op.js';

const token = z.string().regex(/^[\w@#$-]{1,32}$/);

export const generateWithParms = defineTool({
  name: 'ispw_generate_with_parms',
  toolset: 'tasks',
  kind: 'write',
  title: 'Generate with parameters',
  description: 'Generate one task with changed generate parameters read first with ispw_get_generate_parms.',
  access: {
    scope: 'ispw:write',
    operation: 'generate_with_parms',
    ticket: false,
    subject: (a) => ({ container: { type: a.container_type, id: a.container_id }, tasks: { ids: [a.task_id] } }),
  },
  examples: {
    succeeds: [
      {
        args: {
          task_id: '7E3A5D04D0C2',
          container_type: 'assignment',
          container_id: 'PLAY000313',
          set_id: 'S000238591',
          parms: [{ category: 'COMPILE', name: 'COMPOPTS', value: 'LIB' }],
        },
        shows: 'one task generated with a changed parameter (set_id from ispw_get_generate_parms)',
      },
    ],
    fails: [
      {
        args: { task_id: '7E3A5D04D0C2', container_type: 'assignment', container_id: 'PLAY000313', set_id: 'S000238591', parms: [] },
        because: 'at least one parameter',
      },
    ],
  },
  input: z.object({
    task_id: taskIdParam,
    container_type: z.enum(['assignment', 'release']),
    container_id: containerIdParam,
    set_id: setIdParam.describe('setId from ispw_get_generate_parms'),
    parms: z
      .array(z.object({ category: token, name: token, value: textParam(256) }))
      .min(1)
      .max(50),
    wait_seconds: waitSecondsParam,
  }),
  output: z.object({ ...setOpOutput, ...failedTasksOutput }),
  async run(a, ctx) {
    const containerType = CONTAINER_TYPE_CODE[a.container_type];
    // Every parameter of the form is submitted, the changed ones with their new values, as BMC's
    // plugin does: whether CES keeps a parameter left out is not known (docs/ces-fidelity.md item 7).
    const form = await ctx.ces.call(ops.getGenerateParms, { path: { taskId: a.task_id }, query: { containerId: a.container_id, containerType } });
    const updateDetails = mergeParms(parseGenParmForm(form), a.parms);
    const reply = await ctx.ces.call(ops.generateWithParms, {
      path: { taskId: a.task_id },
      body: { containerId: a.container_id, containerType, setId: unquoteSetId(a.set_id), updateDetails },
    });
    const result = await finishSetOp(ctx, reply, a.wait_seconds, {
      purpose: LIFECYCLE_WAIT,
      setRequired: true,
      evidence: 'generate',
      expected: [{ taskId: a.task_id }],
    });
    return {
      text: renderSetOp(`Generate of task ${a.task_id} with parameters`, result),
      structured: structuredOf(result),
      isError: setOpFailed(result, LIFECYCLE_WAIT),
    };
  },
});

type Change = { category: string; name: string; value: string };

/** The form's parameters with the changes applied; a change to a parameter the form lacks is refused. */
function mergeParms(form: GenParm[], changes: readonly Change[]): Change[] {
  const key = (p: { category: string; name: string }) => `${p.category}.${p.name}`.toUpperCase();
  const known = new Map(form.map((p) => [key(p), p]));
  const unknown = changes.filter((c) => !known.has(key(c)));
  if (unknown.length > 0) {
    throw new ToolInputError(
      `The task's generate form has no parameter ${unknown.map(key).join(', ')}.`,
      form.length > 0 ? `Its parameters: ${[...known.keys()].join(', ')} (ispw_get_generate_parms shows them).` : 'CES sent a form without parameters.',
    );
  }
  const changed = new Map(changes.map((c) => [key(c), c.value]));
  return form.map((p) => ({ category: p.category, name: p.name, value: changed.get(key(p)) ?? p.value ?? '' }));
}
