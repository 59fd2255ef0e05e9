// ispw_cancel_release: cancel a release (docs/ces-api.md §2.2 CancelRelease).
// Destructive: cancelling abandons the release and cannot be undone.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam } from '../../mcp/kit/params.js';
import { containerActionResult } from '../shared/container-action.js';
import { dropUndefined } from '../shared/set-op.js';

export const cancelRelease = defineTool({
  name: 'ispw_cancel_release',
  toolset: 'releases',
  kind: 'destructive',
  title: 'Cancel release',
  description: 'Cancel a release that will not be implemented.',
  access: {
    scope: 'ispw:write',
    operation: 'cancel_release',
    ticket: false,
    subject: (a) => ({ container: { type: 'release', id: a.release_id } }),
  },
  examples: {
    succeeds: [{ args: { release_id: 'PAY2026Q4' }, shows: 'an open release cancelled' }],
    fails: [{ args: { release_id: 'REL2026Q2' }, because: 'the release is closed already (CES 409)' }],
  },
  input: z.object({ release_id: releaseIdParam }),
  output: z.object({ releaseId: z.string(), message: z.string().optional() }),
  async run({ release_id }, ctx) {
    const reply = await ctx.ces.call(ops.cancelRelease, { path: { releaseId: release_id }, body: { runtimeConfiguration: ctx.ces.runtimeConfig } });
    const r = containerActionResult('Cancelled', 'release', release_id, reply);
    return { text: r.text, structured: dropUndefined({ releaseId: release_id, message: r.message }) };
  },
});
