// ispw_build: generate tasks plus the programs they impact (ces-api.md §2.1 BuildAssignment,
// §2.2 BuildRelease, §2.4 BuildTask). Kind write, like generate.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam } from '../../mcp/kit/params.js';
import { pickSetOptions } from '../shared/fields.js';
import {
  awaitOutput,
  awaitParam,
  buildOutput,
  lifecycleInput,
  lifecycleOutput,
  runLifecycle,
} from '../shared/lifecycle.js';

export const build = defineTool({
  name: 'ispw_build',
  toolset: 'tasks',
  kind: 'write',
  title: 'Build',
  description:
    'Build (generate plus impacted programs) an assignment, chosen assignment tasks, or a release into an assignment, creating a set.',
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type'),
    assignment_id: assignmentIdParam.optional().describe('release build: assignment receiving impacted tasks'),
    await_in_ces: awaitParam,
  }),
  output: z.object({ ...lifecycleOutput, ...awaitOutput, ...buildOutput }),
  run: (input, ctx) => runLifecycle('build', input, ctx),
});
