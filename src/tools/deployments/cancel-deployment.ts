// ispw_cancel_deployment: cancel a deployment request (docs/ces-api.md §2.5 CancelDeployment).
// Destructive: a cancelled request cannot be resumed; the deploy must be requested again.
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { requestIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { dropUndefined } from '../shared/set-op.js';

export const cancelDeployment = defineTool({
  name: 'ispw_cancel_deployment',
  toolset: 'deployments',
  kind: 'destructive',
  title: 'Cancel deployment',
  description: 'Cancel a deployment request that has not completed, by its request id.',
  access: {
    scope: 'ispw:deploy',
    operation: 'cancel_deployment',
    ticket: false,
    subject: (a) => ({ deploymentRequest: a.request_id }),
  },
  examples: {
    succeeds: [{ args: { request_id: '46158' }, shows: 'a pending deployment request cancelled' }],
    fails: [{ args: { request_id: '46150' }, because: 'the request has completed (CES 409)' }],
  },
  input: z.object({ request_id: requestIdParam }),
  output: z.object({ requestId: z.string(), message: z.string().optional() }),
  async run({ request_id }, ctx) {
    const reply = await ctx.ces.call(ops.cancelDeployment, { path: { requestId: request_id }, body: { runtimeConfiguration: ctx.ces.runtimeConfig } });
    const message = clean(reply.message);
    return {
      text: `Cancel of deployment request ${request_id} submitted.${message ? ` CES said: ${message}` : ''}`,
      structured: dropUndefined({ requestId: request_id, message }),
    };
  },
});
