// ispw_list_releases: search releases (docs/ces-api.md §2.5 GetContainerList, containerType R).
import { z } from 'zod';

import { defineTool } from '../../mcp/kit/define-tool.js';
import { commonFilters, containerListOutput, listContainers } from '../shared/containers.js';
import { limitParam, nameFilter } from '../shared/fields.js';

export const listReleases = defineTool({
  name: 'ispw_list_releases',
  toolset: 'releases',
  kind: 'read',
  title: 'List releases',
  description: 'Find releases by id pattern, application, stream, owner, description, reference number or tag.',
  examples: {
    succeeds: [{ args: { application: 'PLAY' }, shows: 'the open releases of one application' }],
    fails: [{ args: { limit: 501 }, because: 'limit is at most 500' }],
  },
  input: z.object({
    release_id: nameFilter.optional(),
    ...commonFilters,
    ref_number: nameFilter.optional(),
    tag: nameFilter.optional(),
    limit: limitParam,
  }),
  output: containerListOutput,
  run: (a, ctx) =>
    listContainers(
      ctx,
      'R',
      'release',
      {
        containerId: a.release_id,
        application: a.application,
        stream: a.stream,
        owner: a.owner,
        description: a.description,
        refNumber: a.ref_number,
        tag: a.tag,
        include_closed: a.include_closed,
      },
      a.limit,
    ),
});
