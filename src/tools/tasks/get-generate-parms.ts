// ispw_get_generate_parms: the generate-parameter form of a task (docs/ces-api.md §2.4 GenerateWithParm,
// read form; §3.10 GenParmForm). CES sends a dialog XML; its `field` elements are flattened here
// into {category, name, value} with the current values (src/tools/shared/gen-parm-form.ts) — the shape
// ispw_generate_with_parms sends back.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { CONTAINER_TYPE_CODE, taskIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { parseGenParmForm, unquoteSetId } from '../shared/gen-parm-form.js';
import { containerIdParam } from '../shared/lifecycle.js';
import { table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

const parmField = z.object({
  category: z.string().optional(),
  name: z.string(),
  label: z.string().optional(),
  value: z.string().optional(),
});

export const getGenerateParms = defineTool({
  name: 'ispw_get_generate_parms',
  toolset: 'tasks',
  kind: 'read',
  title: 'Get generate parameters',
  description: 'Read the generate parameters of a task and the set id to pass to ispw_generate_with_parms.',
  examples: {
    succeeds: [{ args: { task_id: '7E3A5D04D0C2', container_type: 'assignment', container_id: 'PLAY000313' }, shows: 'the generate parameters of a task' }],
    fails: [
      { args: { task_id: '7E3A5D04D0C2', container_type: 'assignment', container_id: 'PLAY000314' }, because: 'the task is not in that assignment (CES 404)' },
    ],
  },
  input: z.object({
    task_id: taskIdParam,
    container_type: z.enum(['assignment', 'release']),
    container_id: containerIdParam,
  }),
  output: z.object({ setId: z.string().optional(), fields: z.array(parmField), message: z.string().optional() }),
  async run({ task_id, container_type, container_id }, ctx) {
    const form = await ctx.ces.call(ops.getGenerateParms, {
      path: { taskId: task_id },
      query: { containerId: container_id, containerType: CONTAINER_TYPE_CODE[container_type] },
    });
    const fields = parseGenParmForm(form);
    const structured = dropUndefined({ setId: unquoteSetId(form.setId), fields, message: clean(form.message) });
    return {
      text: [
        `Generate parameters of task ${task_id}${structured.setId ? ` (set ${structured.setId})` : ''}: ${fields.length} field(s).`,
        table(fields, ['category', 'name', 'label', 'value']),
        structured.message && `CES said: ${structured.message}`,
      ]
        .filter(Boolean)
        .join('\n'),
      structured,
    };
  },
});
