// ispw_close_release: close a release (docs/ces-api.md §2.2 CloseRelease).
// Destructive: closing cannot be undone.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam } from '../../mcp/kit/params.js';
import { containerActionResult } from '../shared/container-action.js';
import { dropUndefined } from '../shared/set-op.js';

export const closeRelease = defineTool({
  name: 'ispw_close_release',
  toolset: 'releases',
  kind: 'destructive',
  title: 'Close release',
  description: 'Close a release whose work is finished, so it leaves active lists.',
  access: {
    scope: 'ispw:write',
    operation: 'close_release',
    ticket: false,
    subject: (a) => ({ container: { type: 'release', id: a.release_id } }),
  },
  examples: {
    succeeds: [{ args: { release_id: 'REL2026Q4' }, shows: 'a release closed' }],
    fails: [{ args: { release_id: 'NOREL' }, because: 'no such release (CES 404)' }],
  },
  input: z.object({ release_id: releaseIdParam }),
  output: z.object({ releaseId: z.string(), message: z.string().optional() }),
  async run({ release_id }, ctx) {
    const reply = await ctx.ces.call(ops.closeRelease, { path: { releaseId: release_id }, body: { runtimeConfiguration: ctx.ces.runtimeConfig } });
    const r = containerActionResult('Closed', 'release', release_id, reply);
    return { text: r.text, structured: dropUndefined({ releaseId: release_id, message: r.message }) };
  },
});
