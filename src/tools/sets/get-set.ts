// ispw_get_set: a set's state and tasks (docs/ces-api.md §2.3 GetSetInfo, §3.6). CES includes tasks
// only when a level is passed, so without one the task list is read separately (GetSetTaskList).
import { z } from 'zod';

import { readSetWithTasks } from '../../ces/set-tasks.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { levelParam, setIdParam } from '../../mcp/kit/params.js';
import { classOfState, SET_OUTCOMES } from '../../mcp/kit/set-outcome.js';
import { cap, limitParam, pickText, taskRow, toTaskRow } from '../shared/fields.js';
import { fieldLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

const KEYS = ['state', 'applicationId', 'streamName', 'description', 'owner', 'startDate', 'startTime'] as const;
const LABELS: Record<string, string> = {
  state: 'State',
  applicationId: 'Application',
  streamName: 'Stream',
  description: 'Description',
  owner: 'Owner',
  startDate: 'Started',
  startTime: 'At',
};

export const getSet = defineTool({
  name: 'ispw_get_set',
  toolset: 'sets',
  kind: 'read',
  title: 'Get set',
  description: "Show a set's state, application, dates and tasks.",
  examples: {
    succeeds: [
      { args: { set_id: 'S000238580' }, shows: 'a closed set and its tasks (read separately: no level given)' },
      { args: { set_id: 'S000238584', level: 'PRD' }, shows: 'a set waiting for approval, tasks at one level' },
    ],
    fails: [{ args: { set_id: 'S999999999' }, because: 'no such set (CES 404)' }],
  },
  input: z.object({ set_id: setIdParam, level: levelParam.optional(), limit: limitParam }),
  output: z.object({
    setId: z.string(),
    ...(Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>),
    outcome: z.enum(SET_OUTCOMES),
    tasks: z.array(taskRow),
    truncated: z.boolean(),
  }),
  async run({ set_id, level, limit }, ctx) {
    const { set, tasks } = await readSetWithTasks(ctx.ces, set_id, level);
    const capped = cap(tasks.map(toTaskRow), limit);
    const fields = pickText(set, KEYS);
    const structured = dropUndefined({
      setId: set.setid?.trim() || set_id,
      ...fields,
      outcome: classOfState(fields.state),
      tasks: capped.items,
      truncated: capped.truncated,
    });
    return {
      text: [
        `Set ${structured.setId}`,
        fieldLines(fields, LABELS),
        `${capped.count} task(s)${capped.truncated ? `, first ${limit} shown` : ''}:`,
        table(capped.items, ['taskId', 'moduleName', 'moduleType', 'level', 'operation', 'status']),
      ]
        .filter(Boolean)
        .join('\n'),
      structured,
    };
  },
});
