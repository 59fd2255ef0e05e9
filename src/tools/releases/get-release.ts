// ispw_get_release: one release's details (docs/ces-api.md §2.2 GetReleaseInfo, §3.5).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { releaseIdParam } from '../../mcp/kit/params.js';
import { pickText } from '../shared/fields.js';
import { fieldLines } from '../shared/render.js';

const KEYS = ['releaseId', 'description', 'stream', 'application', 'subAppl', 'owner', 'referenceNumber', 'userTag'] as const;
const LABELS: Record<(typeof KEYS)[number], string> = {
  releaseId: 'Release',
  description: 'Description',
  stream: 'Stream',
  application: 'Application',
  subAppl: 'Sub-application',
  owner: 'Owner',
  referenceNumber: 'Reference',
  userTag: 'Tag',
};

export const getRelease = defineTool({
  name: 'ispw_get_release',
  toolset: 'releases',
  kind: 'read',
  title: 'Get release',
  description: 'Show one release: description, stream, application, owner and reference number.',
  examples: {
    succeeds: [{ args: { release_id: 'REL2026Q4' }, shows: 'one release' }],
    fails: [{ args: { release_id: 'NOREL' }, because: 'no such release (CES 404)' }],
  },
  input: z.object({ release_id: releaseIdParam }),
  output: z.object({
    ...(Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>),
    releaseId: z.string(),
  }),
  async run({ release_id }, ctx) {
    const info = await ctx.ces.call(ops.getRelease, { path: { releaseId: release_id } });
    const structured = { ...pickText(info, KEYS), releaseId: info.releaseId?.trim() || release_id };
    return { text: fieldLines(structured, LABELS), structured };
  },
});
