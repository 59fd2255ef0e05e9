// ispw_create_assignment: create an assignment; CES numbers it from the prefix (docs/ces-api.md §2.1
// CreateAssignment; body names per §8.2: `refNumber`, `releaseId`).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { levelParam, nameParam, releaseIdParam, userIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { dropUndefined } from '../shared/set-op.js';

export const createAssignment = defineTool({
  name: 'ispw_create_assignment',
  toolset: 'assignments',
  kind: 'write',
  title: 'Create assignment',
  description: 'Create an assignment (holds the tasks of one change) in a stream and application.',
  access: {
    scope: 'ispw:write',
    operation: 'create_assignment',
    ticket: false,
    subject: (a) => ({ level: a.default_path, stream: a.stream, application: a.application }),
  },
  examples: {
    succeeds: [
      {
        args: { stream: 'PLAY', application: 'PLAY', description: 'Add IBAN to statements', assignment_prefix: 'PLAY', default_path: 'DEV1' },
        shows: 'a new assignment numbered from its prefix',
      },
    ],
    fails: [
      {
        args: { stream: 'PLAY', application: 'PLAY', description: 'x', assignment_prefix: 'PLAY', default_path: 'NOLEVEL' },
        because: 'the level is not in the lifecycle (CES 400)',
      },
      {
        args: { stream: 'PLAY', application: 'PLAY', description: 'x', assignment_prefix: 'TOOLONG', default_path: 'DEV1' },
        because: 'the prefix has 1-4 characters',
      },
    ],
  },
  input: z.object({
    stream: nameParam('stream'),
    application: nameParam('application'),
    sub_appl: nameParam('sub_appl').optional(),
    description: z.string().min(1).max(50),
    assignment_prefix: z.string().regex(/^[A-Za-z0-9@#$]{1,4}$/, 'assignment_prefix: 1-4 characters, e.g. PLAY'),
    default_path: levelParam.describe('default level, e.g. DEV1'),
    owner: userIdParam.optional(),
    release_id: releaseIdParam.optional(),
    ref_number: z.string().max(32).optional(),
    user_tag: z.string().max(8).optional(),
  }),
  output: z.object({ assignmentId: z.string().optional(), message: z.string().optional() }),
  async run(a, ctx) {
    const reply = await ctx.ces.call(ops.createAssignment, {
      body: {
        stream: a.stream,
        application: a.application,
        subAppl: a.sub_appl,
        description: a.description,
        assignmentPrefix: a.assignment_prefix,
        defaultPath: a.default_path,
        owner: a.owner,
        releaseId: a.release_id,
        refNumber: a.ref_number,
        userTag: a.user_tag,
      },
    });
    const structured = dropUndefined({ assignmentId: clean(reply.assignmentId), message: clean(reply.message) });
    return {
      text: structured.assignmentId
        ? `Created assignment ${structured.assignmentId}.${structured.message ? ` CES said: ${structured.message}` : ''}`
        : `No assignment id returned. CES said: ${structured.message ?? '(nothing)'}`,
      structured,
    };
  },
});
