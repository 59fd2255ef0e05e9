// ispw_fallback: undo a deployment (docs/ces-api.md §2.1, §2.2; sets: §2.3 FallbackSet).
// Destructive: restores earlier code in the runtime environments.
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { pickSetOptions } from '../shared/fields.js';
import { lifecycleInput, lifecycleOutput, lifecycleSubject, runLifecycle } from '../shared/lifecycle.js';

export const fallback = defineTool({
  name: 'ispw_fallback',
  toolset: 'tasks',
  kind: 'destructive',
  title: 'Fallback',
  description: "Undo the deployment of an assignment's or release's tasks at a level, or of a whole set (unverified).",
  access: {
    byAction: {
      argument: 'container_type',
      each: {
        assignment: { operation: 'fallback', scope: 'ispw:deploy' },
        release: { operation: 'fallback', scope: 'ispw:deploy' },
        // POST /sets/{id}/tasks/fallback rests on third-party evidence only (docs/ces-api.md errata E9):
        // its own operation, which the policy refuses unless a rule names it (src/policy/evaluate.ts).
        set: { operation: 'fallback_set', scope: 'ispw:deploy' },
      },
    },
    ticket: true,
    subject: lifecycleSubject(),
  },
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000298', level: 'QA' }, shows: 'the deployment of an assignment undone' },
      { args: { container_type: 'release', container_id: 'REL2026Q4', level: 'QA' }, shows: 'the deployment of a release undone' },
      { args: { container_type: 'set', container_id: 'S000238582', level: 'QA' }, shows: 'a whole deploy set undone' },
    ],
    fails: [{ args: { container_type: 'set', container_id: 'S000238582', level: 'QA', task_ids: ['7E3A5D04D8A1'] }, because: 'a set falls back as a whole' }],
  },
  input: z.object({ ...lifecycleInput, ...pickSetOptions('runtime_configuration', 'change_type') }),
  output: z.object(lifecycleOutput),
  run: (input, ctx) => runLifecycle('fallback', input, ctx),
});
