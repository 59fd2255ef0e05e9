// ispw_deploy: put tasks into their runtime environments (docs/ces-api.md §2.1, §2.2, §2.7 dates).
// Destructive: deployment replaces what runs in the target environments.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { deploymentsOutput, deployTimes, pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, lifecycleSubject, runLifecycle } from '../shared/lifecycle.js';

export const deploy = defineTool({
  name: 'ispw_deploy',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Deploy',
  description: "Deploy an assignment's or release's tasks at a level, or chosen assignment tasks, to their runtime environments.",
  access: {
    scope: 'ispw:deploy',
    operation: 'deploy',
    ticket: true,
    subject: lifecycleSubject(),
  },
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000298', level: 'QA' }, shows: 'an assignment deployed at QA' },
      { args: { container_type: 'assignment', container_id: 'PLAY000298', level: 'QA', task_ids: ['7E3A5D04D8A1'] }, shows: 'chosen tasks deployed' },
      {
        args: { container_type: 'release', container_id: 'REL2026Q4', level: 'QA', dpenvlst: 'QAT', deploy_implementation_date: '2026-12-01' },
        shows: 'a release deployed to a named environment on a date',
      },
    ],
    fails: [{ args: { container_type: 'set', container_id: 'S000238582', level: 'QA' }, because: 'CES cannot deploy a set' }],
  },
  input: z.object({
    ...lifecycleInput,
    ...pickSetOptions('runtime_configuration', 'change_type', 'execution_status', 'dpenvlst', 'system'),
    ...deployTimes,
  }),
  output: z.object({ ...lifecycleOutput, ...deploymentsOutput }),
  run: (input, ctx) => runLifecycle('deploy', input, ctx),
});
