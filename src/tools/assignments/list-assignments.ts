// ispw_list_assignments: search assignments (docs/ces-api.md §2.5 GetContainerList, containerType A).
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { levelParam } from '../../mcp/kit/params.js';
import { commonFilters, containerListOutput, listContainers } from '../shared/containers.js';
import { limitParam, nameFilter } from '../shared/fields.js';

export const listAssignments = defineTool({
  name: 'ispw_list_assignments',
  toolset: 'assignments',
  kind: 'read',
  title: 'List assignments',
  description: 'Find assignments by id, application, stream, owner, release, reference number, tag or default path.',
  examples: {
    succeeds: [{ args: { application: 'PLAY', stream: 'PLAY' }, shows: 'the open assignments of one application' }],
    fails: [{ args: { limit: 0 }, because: 'limit is at least 1' }],
  },
  input: z.object({
    assignment_id: nameFilter.optional(),
    ...commonFilters,
    release_id: nameFilter.optional(),
    ref_number: nameFilter.optional(),
    tag: nameFilter.optional(),
    // CES's `path` is the assignment's default path, not the level its tasks are at (errata E15).
    default_path: levelParam.optional(),
    user_id: nameFilter.optional(),
    limit: limitParam,
  }),
  output: containerListOutput,
  run: (a, ctx) =>
    listContainers(
      ctx,
      'A',
      'assignment',
      {
        containerId: a.assignment_id,
        application: a.application,
        stream: a.stream,
        owner: a.owner,
        description: a.description,
        releaseId: a.release_id,
        refNumber: a.ref_number,
        tag: a.tag,
        path: a.default_path,
        userId: a.user_id,
        include_closed: a.include_closed,
      },
      a.limit,
    ),
});
