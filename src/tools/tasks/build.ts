// ispw_build: generate tasks plus the programs they impact (docs/ces-api.md §2.1 BuildAssignment,
// §2.2 BuildRelease, §2.4 BuildTask). Kind write, like generate.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam } from '../../mcp/kit/params.js';
import { failedTasksOutput, pickSetOptions } from '../shared/fields.js';
import { awaitOutput, awaitParam, buildOutput, lifecycleInput, lifecycleOutput, lifecycleSubject, runLifecycle } from '../shared/lifecycle.js';

export const build = defineTool({
  name: 'ispw_build',
  toolset: 'tasks',
  kind: 'write',
  title: 'Build',
  description: 'Build (generate plus impacted programs) an assignment, chosen assignment tasks, or a release into an assignment.',
  access: {
    scope: 'ispw:write',
    operation: 'build',
    ticket: true,
    subject: lifecycleSubject(),
  },
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' }, shows: 'an assignment built at a level' },
      {
        args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', task_ids: ['7E3A5D04D4F1'] },
        shows: 'a copybook and the programs it impacts',
      },
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', await_in_ces: true }, shows: 'CES waits and counts the results' },
      {
        args: { container_type: 'release', container_id: 'REL2026Q4', level: 'DEV1', assignment_id: 'PLAY000313' },
        shows: 'a release built into an assignment',
      },
    ],
    fails: [
      {
        args: { container_type: 'release', container_id: 'REL2026Q4', level: 'DEV1' },
        because: 'a release build needs the assignment that receives impacted tasks',
      },
    ],
  },
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type'),
    assignment_id: assignmentIdParam.optional().describe('release build: assignment receiving impacted tasks'),
    await_in_ces: awaitParam,
  }),
  output: z.object({ ...lifecycleOutput, ...failedTasksOutput, ...awaitOutput, ...buildOutput }),
  run: (input, ctx) => runLifecycle('build', input, ctx),
});
