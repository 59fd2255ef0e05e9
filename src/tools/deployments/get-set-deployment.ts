// ispw_get_set_deployment: the deployment requests a set created (docs/ces-api.md §2.3
// GetSetDeploymentInfo; the reply shape is uncertain, §3.7, the DTO accepts both forms).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { setIdParam } from '../../mcp/kit/params.js';
import { DEPLOYMENT_COLUMNS, deploymentRow, toDeploymentRow } from '../shared/deployments.js';
import { clean } from '../shared/fields.js';
import { joinLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

export const getSetDeployment = defineTool({
  name: 'ispw_get_set_deployment',
  toolset: 'deployments',
  kind: 'read',
  title: 'Get set deployment',
  description: 'Show the deployment requests of a deploy set and their status per environment.',
  examples: {
    succeeds: [{ args: { set_id: 'S000238582' }, shows: 'the deployment requests of a deploy set' }],
    fails: [{ args: { set_id: 'S999999999' }, because: 'no such set (CES 404)' }],
  },
  input: z.object({ set_id: setIdParam }),
  output: z.object({ setId: z.string(), deployments: z.array(deploymentRow), message: z.string().optional() }),
  async run({ set_id }, ctx) {
    const reply = await ctx.ces.call(ops.getSetDeployment, { path: { setId: set_id } });
    const deployments = reply.deployments.map(toDeploymentRow);
    const message = clean(reply.message);
    return {
      text: joinLines(`Set ${set_id}: ${deployments.length} deployment request(s).`, table(deployments, DEPLOYMENT_COLUMNS), message && `CES said: ${message}`),
      structured: dropUndefined({ setId: set_id, deployments, message }),
    };
  },
});
