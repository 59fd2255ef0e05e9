// Prompts for the common Code Pipeline workflows; they only guide the model through the tools and
// leave every change to tool calls the user can see and approve.
import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

import { assignmentIdParam, levelParam, releaseIdParam } from './kit/params.js';

const user = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'promote_assignment',
    {
      title: 'Generate and promote an assignment',
      description: 'Walk an assignment from its current level to the next one: check tasks, generate, promote, confirm',
      argsSchema: z.object({ assignment_id: assignmentIdParam, level: levelParam.optional() }),
    },
    ({ assignment_id, level }) =>
      user(
        [
          `Move assignment ${assignment_id}${level ? ` from level ${level}` : ''} to the next level in Code Pipeline.`,
          `1. Call ispw_list_tasks (container_type "assignment", container_id "${assignment_id}") and summarise the tasks and their levels.`,
          `2. Call ispw_generate for the level the tasks are at, with wait_seconds 60, and report any failed task.`,
          `3. Only if generate succeeded, show me what will be promoted and ask me to confirm; then call ispw_promote with wait_seconds 60.`,
          `4. Report the set ids, their final states and the tasks' new level. Stop and explain if a set fails or waits for approval.`,
        ].join('\n'),
      ),
  );
  server.registerPrompt(
    'release_status',
    {
      title: 'Summarise a release',
      description: 'Summarise a release: its tasks by level, open sets and recent deployments',
      argsSchema: z.object({ release_id: releaseIdParam }),
    },
    ({ release_id }) =>
      user(
        [
          `Give me the status of release ${release_id}.`,
          `Use ispw_get_release, ispw_list_tasks (container_type "release"), ispw_list_sets and ispw_list_deployments.`,
          `Group the tasks by level, list sets that are not Closed, and point out anything failed, held or waiting for approval. Make no changes.`,
        ].join('\n'),
      ),
  );
}
