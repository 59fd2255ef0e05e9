// The container search behind ispw_list_assignments/_releases/_sets: one CES call,
// `containers/list` with `containerType` A, R or S (docs/ces-api.md §2.5, §3.8).
import { z } from 'zod';

import { ops } from '../../ces/operations.js';
import type { ToolContext } from '../../mcp/kit/context.js';
import { cap, clean, listOutput, nameFilter, pickText } from './fields.js';
import { countLine, joinLines, table } from './render.js';
import { dropUndefined } from './set-op.js';

const KEYS = ['containerId', 'application', 'stream', 'description', 'owner', 'path', 'releaseId'] as const;
export const containerRow = z.object(
  Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>,
);

/** Filters all three container searches share; CES matches a trailing `*` as a wildcard. */
export const commonFilters = {
  application: nameFilter.optional(),
  stream: nameFilter.optional(),
  owner: nameFilter.optional(),
  description: z.string().max(80).optional(),
  include_closed: z.boolean().optional(),
};

export const containerListOutput = z.object(listOutput(containerRow));

export async function listContainers(
  ctx: ToolContext,
  type: 'A' | 'R' | 'S',
  noun: string,
  filters: Record<string, string | boolean | undefined>,
  limit: number,
) {
  const { include_closed, ...query } = filters as Record<string, string | undefined> & { include_closed?: boolean };
  const reply = await ctx.ces.call(ops.listContainers, {
    query: {
      ...query,
      containerType: type,
      includeClosedContainers: include_closed === undefined ? undefined : String(include_closed),
    },
  });
  const capped = cap(
    reply.containers.map((c) => pickText(c, KEYS)),
    limit,
  );
  const message = clean(reply.message);
  return {
    text: joinLines(
      countLine(noun, capped.items.length, capped.count, capped.truncated),
      table(capped.items, ['containerId', 'application', 'stream', 'owner', 'path', 'releaseId', 'description']),
      capped.count === 0 && message && `CES said: ${message}`,
    ),
    structured: dropUndefined({ ...capped, message }),
  };
}
