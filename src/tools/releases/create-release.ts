// ispw_create_release: create a release with a given id or one numbered from a prefix
// (docs/ces-api.md §2.2 CreateRelease: exactly one of releaseId / releasePrefix).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import { nameParam, releaseIdParam, userIdParam } from '../../mcp/kit/params.js';
import { clean } from '../shared/fields.js';
import { dropUndefined } from '../shared/set-op.js';

export const createRelease = defineTool({
  name: 'ispw_create_release',
  toolset: 'releases',
  kind: 'write',
  title: 'Create release',
  description: 'Create a release (groups tasks from several assignments) in a stream and application.',
  access: {
    scope: 'ispw:write',
    operation: 'create_release',
    ticket: false,
    subject: (a) => ({ stream: a.stream, application: a.application }),
  },
  examples: {
    succeeds: [
      { args: { stream: 'PLAY', application: 'PLAY', description: 'Q1 2027 customer release', release_id: 'REL2027Q1' }, shows: 'a release with a chosen id' },
    ],
    fails: [
      {
        args: { stream: 'PLAY', application: 'PLAY', description: 'x', release_id: 'REL2027Q1', release_prefix: 'REL' },
        because: 'give release_id or release_prefix, not both',
      },
      { args: { stream: 'PLAY', application: 'PLAY', description: 'x', release_id: 'REL2026Q4' }, because: 'the release exists already (CES 409)' },
    ],
  },
  input: z.object({
    stream: nameParam('stream'),
    application: nameParam('application'),
    sub_appl: nameParam('sub_appl').optional(),
    description: z.string().min(1).max(50),
    release_id: releaseIdParam.optional().describe('exact id; or give release_prefix'),
    release_prefix: z
      .string()
      .regex(/^[A-Za-z0-9@#$]{1,4}$/, 'release_prefix: 1-4 characters')
      .optional(),
    owner: userIdParam.optional(),
    ref_number: z.string().max(32).optional(),
    user_tag: z.string().max(8).optional(),
  }),
  output: z.object({ releaseId: z.string().optional(), message: z.string().optional() }),
  async run(a, ctx) {
    if ((a.release_id === undefined) === (a.release_prefix === undefined)) {
      throw new ToolInputError('Give exactly one of release_id and release_prefix.');
    }
    const reply = await ctx.ces.call(ops.createRelease, {
      body: {
        stream: a.stream,
        application: a.application,
        subAppl: a.sub_appl,
        description: a.description,
        releaseId: a.release_id,
        releasePrefix: a.release_prefix,
        owner: a.owner,
        referenceNumber: a.ref_number,
        userTag: a.user_tag,
      },
    });
    const structured = dropUndefined({ releaseId: clean(reply.releaseId), message: clean(reply.message) });
    return {
      text: structured.releaseId
        ? `Created release ${structured.releaseId}.${structured.message ? ` CES said: ${structured.message}` : ''}`
        : `No release id returned. CES said: ${structured.message ?? '(nothing)'}`,
      structured,
    };
  },
});
