// ispw_get_assignment: one assignment's details (docs/ces-api.md §2.1 GetAssignmentInfo, §3.4).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { assignmentIdParam } from '../../mcp/kit/params.js';
import { pickText } from '../shared/fields.js';
import { fieldLines } from '../shared/render.js';

const KEYS = ['assignmentId', 'description', 'stream', 'application', 'subAppl', 'defaultPath', 'owner', 'releaseId', 'refNumber', 'userTag'] as const;
const LABELS: Record<(typeof KEYS)[number], string> = {
  assignmentId: 'Assignment',
  description: 'Description',
  stream: 'Stream',
  application: 'Application',
  subAppl: 'Sub-application',
  defaultPath: 'Default path',
  owner: 'Owner',
  releaseId: 'Release',
  refNumber: 'Reference',
  userTag: 'Tag',
};

export const getAssignment = defineTool({
  name: 'ispw_get_assignment',
  toolset: 'assignments',
  kind: 'read',
  title: 'Get assignment',
  description: 'Show one assignment: description, stream, application, default path, owner and release.',
  examples: {
    succeeds: [{ args: { assignment_id: 'PLAY000313' }, shows: 'one assignment' }],
    fails: [{ args: { assignment_id: 'PLAY999999' }, because: 'no such assignment (CES 404)' }],
  },
  input: z.object({ assignment_id: assignmentIdParam }),
  output: z.object({
    ...(Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>),
    assignmentId: z.string(),
  }),
  async run({ assignment_id }, ctx) {
    const info = await ctx.ces.call(ops.getAssignment, { path: { assignmentId: assignment_id } });
    const structured = { ...pickText(info, KEYS), assignmentId: info.assignmentId?.trim() || assignment_id };
    return { text: fieldLines(structured, LABELS), structured };
  },
});
