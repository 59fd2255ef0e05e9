// ispw_get_task_listing: the compile listing of a release task's last generate (docs/ces-api.md §2.2
// GetReleaseTaskGenerateListing). Listings can be thousands of lines, so they are capped.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam, taskIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { dropUndefined } from '../shared/set-op.js';

export const getTaskListing = defineTool({
  name: 'ispw_get_task_listing',
  toolset: 'tasks',
  kind: 'read',
  title: 'Get generate listing',
  description: 'Read the generate (compile) listing of a release task to see why a generate failed.',
  examples: {
    succeeds: [{ args: { release_id: 'REL2026Q4', task_id: '7E3A5D04D8A1', limit: 50 }, shows: 'the first lines of a generate listing' }],
    fails: [{ args: { release_id: 'REL2026Q4', task_id: '7E3A5D04D5B0' }, because: 'the task is not in that release (CES 404)' }],
  },
  input: z.object({
    release_id: releaseIdParam,
    task_id: taskIdParam,
    limit: z.number().int().min(1).max(5000).default(500).describe('max lines (default 500)'),
  }),
  output: z.object({
    listing: z.string().optional(),
    lineCount: z.number(),
    truncated: z.boolean(),
    message: z.string().optional(),
  }),
  async run({ release_id, task_id, limit }, ctx) {
    const reply = await ctx.ces.call(ops.getReleaseTaskListing, { path: { releaseId: release_id, taskId: task_id } });
    const lines = (reply.listing ?? '').replace(/\s+$/, '').split(/\r?\n/);
    const lineCount = reply.listing?.trim() ? lines.length : 0;
    const truncated = lineCount > limit;
    const listing = lineCount ? lines.slice(0, limit).join('\n') : undefined;
    const message = clean(reply.message);
    const head = `Listing of task ${task_id} in release ${release_id}: ${lineCount} lines${truncated ? `, first ${limit} shown` : ''}.`;
    return {
      text: [head, listing ?? (message ? `CES said: ${message}` : 'No listing.')].join('\n'),
      structured: dropUndefined({ listing, lineCount, truncated, message }),
    };
  },
});
