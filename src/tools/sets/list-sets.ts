// ispw_list_sets: search sets (docs/ces-api.md §2.5 GetContainerList, containerType S).
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { commonFilters, containerListOutput, listContainers } from '../shared/containers.js';
import { limitParam, nameFilter } from '../shared/fields.js';

export const listSets = defineTool({
  name: 'ispw_list_sets',
  toolset: 'sets',
  kind: 'read',
  title: 'List sets',
  description: 'Find sets (lifecycle operations run in sets) by id, application, stream or owner.',
  examples: {
    succeeds: [{ args: { application: 'PLAY' }, shows: 'the sets of one application' }],
    fails: [{ args: { set_id: '' }, because: 'an empty filter is refused' }],
  },
  input: z.object({
    set_id: nameFilter.optional(),
    ...commonFilters,
    limit: limitParam,
  }),
  output: containerListOutput,
  run: (a, ctx) =>
    listContainers(
      ctx,
      'S',
      'set',
      {
        containerId: a.set_id,
        application: a.application,
        stream: a.stream,
        owner: a.owner,
        description: a.description,
        include_closed: a.include_closed,
      },
      a.limit,
    ),
});
