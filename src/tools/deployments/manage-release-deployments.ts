// ispw_manage_release_deployments: restart or terminate all deployments of a release
// (docs/ces-api.md §2.2 ReleaseDeployAction, §3.7 ReleaseDeployOp). Destructive: terminate stops
// deployments in flight, restart re-runs them.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam } from '../../mcp/kit/params.js';
import { clean, pickText } from '../shared/fields.js';
import { joinLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

const row = z.object({
  setId: z.string().optional(),
  requestId: z.string().optional(),
  environment: z.string().optional(),
  status: z.string().optional(),
});

export const manageReleaseDeployments = defineTool({
  name: 'ispw_manage_release_deployments',
  toolset: 'deployments',
  kind: 'destructive',
  title: 'Restart or terminate release deployments',
  description: 'Restart failed deployments of a release, or terminate its deployments in progress.',
  access: {
    scope: 'ispw:deploy',
    operation: 'manage_release_deployments',
    ticket: false,
    subject: (a) => ({ container: { type: 'release', id: a.release_id } }),
  },
  examples: {
    succeeds: [{ args: { release_id: 'REL2026Q4', action: 'restart' }, shows: 'the deployments of a release restarted' }],
    fails: [{ args: { release_id: 'NOREL', action: 'terminate' }, because: 'no such release (CES 404)' }],
  },
  input: z.object({ release_id: releaseIdParam, action: z.enum(['restart', 'terminate']) }),
  output: z.object({ action: z.string(), deployments: z.array(row), message: z.string().optional() }),
  async run({ release_id, action }, ctx) {
    const reply = await ctx.ces.call(ops.releaseDeploymentAction, {
      path: { releaseId: release_id, action },
      body: { runtimeConfiguration: ctx.ces.runtimeConfig },
    });
    const deployments = reply.sets.flatMap((set) =>
      set.deployments.map((d) => dropUndefined({ setId: clean(set.id), ...pickText(d, ['requestId', 'environment', 'status'] as const) })),
    );
    const message = clean(reply.message);
    return {
      text: joinLines(
        `${action} of the deployments of release ${release_id}: ${deployments.length} request(s).${message ? ` CES said: ${message}` : ''}`,
        table(deployments, ['setId', 'requestId', 'environment', 'status']),
      ),
      structured: dropUndefined({ action, deployments, message }),
    };
  },
});
