// ispw_get_work_list: the Code Pipeline work list — tasks in progress across containers, with the
// filters CES offers (docs/ces-api.md §2.5 GetWorkList, §3.9; errata E14: all of Jenkins' filters).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { levelParam, moduleNameParam, moduleTypeParam, nameParam, releaseIdParam, userIdParam } from '../../mcp/kit/params.js';
import { cap, clean, isoDate, limitParam, listOutput, nameFilter, pickText } from '../shared/fields.js';
import { countLine, joinLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';

const OPERATIONS = [
  'Browse',
  'Checkout',
  'Delete',
  'Edit',
  'Fallback',
  'Generate',
  'Implement',
  'Loaded',
  'Promote',
  'Regress',
  'Transfer',
  'Update Replace Version',
] as const;

const KEYS = ['taskId', 'name', 'type', 'level', 'assignmentId', 'operation', 'user'] as const;
const item = z.object(Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>);

const bool = (v: boolean | undefined) => (v === undefined ? undefined : String(v));

export const getWorkList = defineTool({
  name: 'ispw_get_work_list',
  toolset: 'tasks',
  kind: 'read',
  title: 'Get work list',
  description: 'Find tasks being worked on across assignments by module, owner, level or last operation.',
  examples: {
    succeeds: [{ args: { application: 'PLAY', level: 'DEV1' }, shows: 'the tasks in progress at one level' }],
    fails: [{ args: { operation: 'Compile' }, because: 'not an operation of the work list' }],
  },
  input: z.object({
    application: nameFilter.optional(),
    stream: nameFilter.optional(),
    level: levelParam.optional(),
    name: moduleNameParam.optional(),
    type: moduleTypeParam.optional(),
    owner: userIdParam.optional(),
    release_id: releaseIdParam.optional(),
    operation: z.enum(OPERATIONS).optional().describe('last operation'),
    in_progress: z.boolean().optional().describe('default true'),
    production: z.boolean().optional(),
    historical: z.boolean().optional(),
    environment: nameParam('environment').optional(),
    sub_appl: nameParam('sub_appl').optional(),
    group: nameParam('group').optional(),
    last_updated_by: userIdParam.optional(),
    ref_number: nameFilter.optional(),
    start_date: isoDate.optional(),
    end_date: isoDate.optional(),
    limit: limitParam,
  }),
  output: z.object(listOutput(item)),
  async run(a, ctx) {
    const reply = await ctx.ces.call(ops.getWorkList, {
      query: {
        application: a.application,
        stream: a.stream,
        level: a.level,
        name: a.name,
        type: a.type,
        owner: a.owner,
        releaseId: a.release_id,
        operation: a.operation,
        inProgress: bool(a.in_progress),
        production: bool(a.production),
        historical: bool(a.historical),
        environment: a.environment,
        subAppl: a.sub_appl,
        group: a.group,
        lastUpdatedBy: a.last_updated_by,
        refNumber: a.ref_number,
        startDate: a.start_date,
        endDate: a.end_date,
      },
    });
    const capped = cap(
      reply.workListItems.map((w) => pickText(w, KEYS)),
      a.limit,
    );
    const message = clean(reply.message);
    return {
      text: joinLines(
        `Work list: ${countLine('item', capped.items.length, capped.count, capped.truncated)}`,
        table(capped.items, ['taskId', 'name', 'type', 'level', 'assignmentId', 'operation', 'user']),
        capped.count === 0 && message && `CES said: ${message}`,
      ),
      structured: dropUndefined({ ...capped, message }),
    };
  },
});
