// ispw_list_deployments: deployment requests, by default those of the prior week
// (docs/ces-api.md §2.5 GetDeploymentList; the reply's array key is uncertain, §8.3, the DTO merges both).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { requestIdParam, setIdParam } from '../../mcp/kit/params.js';
import { DEPLOYMENT_COLUMNS, deploymentRow, toDeploymentRow } from '../shared/deployments.js';
import { cap, clean, isoDate, limitParam, listOutput, nameFilter } from '../shared/fields.js';
import { countLine, joinLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

const STATUSES = ['Planned', 'Confirmed', 'Staged', 'Implemented', 'Completed', 'Failed', 'Pending', 'Terminated'] as const;

export const listDeployments = defineTool({
  name: 'ispw_list_deployments',
  toolset: 'deployments',
  kind: 'read',
  title: 'List deployments',
  description: 'List deployment requests by set, environment, status or date range (default: the prior week).',
  examples: {
    succeeds: [
      { args: {}, shows: 'the deployment requests of the prior week' },
      { args: { status: 'Failed', start_date: '2026-01-01' }, shows: 'failed requests since a date' },
    ],
    fails: [{ args: { status: 'Broken' }, because: 'not a deployment status' }],
  },
  input: z.object({
    set_id: setIdParam.optional(),
    request_id: requestIdParam.optional(),
    environment: nameFilter.optional(),
    status: z.enum(STATUSES).optional(),
    start_date: isoDate.optional(),
    end_date: isoDate.optional(),
    todays_date: z.boolean().optional().describe('only today'),
    limit: limitParam,
  }),
  output: z.object(listOutput(deploymentRow)),
  async run(a, ctx) {
    // A date range replaces CES's prior-week default window (docs/ces-api.md §2.5). An id filter does
    // not: BMC's deployment-list action sends priorWeek only when asked (docs/ces-fidelity.md item 11).
    const explicit = a.start_date || a.end_date || a.todays_date !== undefined;
    const reply = await ctx.ces.call(ops.listDeployments, {
      query: {
        setId: a.set_id,
        requestId: a.request_id,
        environment: a.environment,
        status: a.status,
        startDate: a.start_date,
        endDate: a.end_date,
        todaysDate: a.todays_date === undefined ? undefined : String(a.todays_date),
        priorWeek: explicit ? 'false' : undefined,
      },
    });
    const capped = cap(reply.deployments.map(toDeploymentRow), a.limit);
    const message = clean(reply.message);
    return {
      text: joinLines(
        countLine('deployment', capped.items.length, capped.count, capped.truncated),
        table(capped.items, DEPLOYMENT_COLUMNS),
        capped.count === 0 && message && `CES said: ${message}`,
        capped.count === 0 && !explicit && (a.set_id || a.request_id) && 'CES may list only the prior week: give start_date to look further back.',
      ),
      structured: dropUndefined({ ...capped, message }),
    };
  },
});
