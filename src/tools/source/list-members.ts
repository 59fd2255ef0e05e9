// ispw_list_members: the members of a container or of a repository level, from a CES source
// download (docs/ces-api.md §2.6). Lists the zip's entries without inflating any.
import { z } from 'zod';

import { listSourceZip } from '../../ces/source-zip.js';
import { defineTool } from '../../mcp/kit/define-tool.js';
import { cap, limitParam } from '../shared/fields.js';
import { countLine, joinLines, table } from '../shared/render.js';
import { dropUndefined } from '../shared/set-op.js';
import { downloadSource, selectionInput } from './download.js';

const member = z.object({ path: z.string(), name: z.string(), type: z.string(), size: z.number() });

export const listMembers = defineTool({
  name: 'ispw_list_members',
  toolset: 'source',
  kind: 'read',
  title: 'List members',
  description: 'List the source members of a container or of a repository level, with sizes.',
  examples: {
    succeeds: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' }, shows: 'the members of an assignment at a level' },
      { args: { stream: 'PLAY', application: 'PLAY', level: 'QA' }, shows: 'the members of an application at a repository level' },
      { args: { stream: 'PLAY', application: 'PAYR', sub_appl: 'PAYR', level: 'DEV2', module_type: 'COB' }, shows: 'the COBOL members of a sub-application' },
    ],
    fails: [
      { args: { container_type: 'assignment', container_id: 'PLAY000313', stream: 'PLAY' }, because: 'a container and the repository at once' },
      { args: { stream: 'PLAY', application: 'PLAY' }, because: 'the repository needs a level' },
    ],
  },
  input: z.object({ ...selectionInput, limit: limitParam }),
  output: z.object({
    members: z.array(member),
    count: z.number(),
    truncated: z.boolean(),
    unsafeEntries: z.number().optional(),
    message: z.string().optional(),
  }),
  async run(args, ctx) {
    const { reply, operation, label } = await downloadSource(ctx, args);
    if (!reply.zip) {
      return {
        text: `No members for ${label}.${reply.message ? ` CES said: ${reply.message}` : ''}`,
        structured: dropUndefined({ members: [], count: 0, truncated: false, message: reply.message }),
      };
    }
    const listing = listSourceZip(reply.zip, operation);
    const capped = cap(listing.members, args.limit);
    return {
      text: joinLines(
        `Members of ${label}: ${countLine('member', capped.items.length, capped.count, capped.truncated)}`,
        table(capped.items, ['name', 'type', 'size', 'path']),
        listing.unsafeEntries > 0 &&
          `${listing.unsafeEntries} entr${listing.unsafeEntries === 1 ? 'y' : 'ies'} left out: their names point outside the download.`,
      ),
      structured: dropUndefined({ members: capped.items, count: capped.count, truncated: capped.truncated, unsafeEntries: listing.unsafeEntries || undefined }),
    };
  },
});
