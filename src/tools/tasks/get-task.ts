// ispw_get_task: one task of an assignment or release (docs/ces-api.md §2.1 GetAssignmentTaskInfo,
// §2.2 GetReleaseTaskInfo).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { taskIdParam } from '../../mcp/kit/params.js';
import { pickText } from '../shared/fields.js';
import { containerIdParam } from '../shared/lifecycle.js';
import { fieldLines } from '../shared/render.js';

const KEYS = [
  'taskId',
  'moduleName',
  'moduleType',
  'application',
  'subAppl',
  'stream',
  'level',
  'status',
  'operation',
  'userId',
  'version',
  'release',
  'container',
] as const;

const LABELS: Record<(typeof KEYS)[number], string> = {
  taskId: 'Task',
  moduleName: 'Module',
  moduleType: 'Type',
  application: 'Application',
  subAppl: 'Sub-application',
  stream: 'Stream',
  level: 'Level',
  status: 'Status',
  operation: 'Last operation',
  userId: 'User',
  version: 'Version',
  release: 'Release',
  container: 'Container',
};

export const getTask = defineTool({
  name: 'ispw_get_task',
  toolset: 'tasks',
  kind: 'read',
  title: 'Get task',
  description: 'Show one task of an assignment (unverified CES call) or a release.',
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', task_id: '7E3A5D04D0C2' }, shows: 'a task of an assignment' },
      { args: { container_type: 'release', container_id: 'REL2026Q4', task_id: '7E3A5D04D0C2' }, shows: 'a task of a release' },
    ],
    fails: [
      { args: { container_type: 'assignment', container_id: 'PLAY000314', task_id: '7E3A5D04D0C2' }, because: 'the task is not in that assignment (CES 404)' },
    ],
  },
  input: z.object({
    container_type: z.enum(['assignment', 'release']),
    container_id: containerIdParam,
    task_id: taskIdParam,
  }),
  output: z.object(Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>),
  async run({ container_type, container_id, task_id }, ctx) {
    const task =
      container_type === 'assignment'
        ? await ctx.ces.call(ops.getAssignmentTask, { path: { assignmentId: container_id, taskId: task_id } })
        : await ctx.ces.call(ops.getReleaseTask, { path: { releaseId: container_id, taskId: task_id } });
    const structured = pickText(task, KEYS);
    return { text: fieldLines(structured, LABELS) || `Task ${task_id}: CES returned no details.`, structured };
  },
});
