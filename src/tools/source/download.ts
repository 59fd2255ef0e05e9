// The member selection both source tools share, and the CES download behind them (docs/ces-api.md §2.6):
// a container's members (an assignment, release or set, optionally at a level and of a type), or
// the members of a stream/application at a level of the repository. CES answers with a zip that
// src/ces/source-zip.ts opens in memory.
import { type z } from 'zod';

import type { SourceDownload } from '../../ces/dto/index.js';
import { ops } from '../../ces/operations.js';
import type { ToolContext } from '../../mcp/kit/context.js';
import { ToolInputError } from '../../mcp/kit/errors.js';
import { containerTypeParam, levelParam, moduleTypeParam, nameParam } from '../../mcp/kit/params.js';
import { containerIdParam } from '../shared/lifecycle.js';

/** Either container_type + container_id, or stream + application + level (the repository). */
export const selectionInput = {
  container_type: containerTypeParam.optional(),
  container_id: containerIdParam.optional(),
  stream: nameParam('stream').optional(),
  application: nameParam('application').optional(),
  sub_appl: nameParam('sub_appl').optional(),
  level: levelParam.optional(),
  module_type: moduleTypeParam.optional(),
};
export type Selection = z.output<z.ZodObject<typeof selectionInput>>;

// The container type as BMC's downloader puts it in the path.
const CONTAINER_WORD = { assignment: 'Assignment', release: 'Release', set: 'Set' } as const;

const BOTH_OR_NEITHER = 'Give container_type and container_id (optionally level, module_type), or stream, application and level for the repository.';

export interface Downloaded {
  reply: SourceDownload;
  /** Catalogue operation id, for errors about the zip. */
  operation: string;
  /** What was downloaded, for the result text: `assignment PLAY000313 at DEV1` or `PLAY/PLAY at QA`. */
  label: string;
}

export async function downloadSource(ctx: ToolContext, args: Selection): Promise<Downloaded> {
  const container = args.container_type !== undefined || args.container_id !== undefined;
  const repository = args.stream !== undefined || args.application !== undefined || args.sub_appl !== undefined;
  if (container === repository) throw new ToolInputError('Select the members one way.', BOTH_OR_NEITHER);
  // Unchanged source is always sent: without it CES sends only what changed since its last download
  // to the same location, which would make the answer depend on earlier calls.
  const common = { runtimeConfig: ctx.ces.runtimeConfig, downloadIncludes: 'false', downloadUnchangedSource: 'true' };
  const at = args.level ? ` at ${args.level}` : '';
  if (container) {
    if (!args.container_type || !args.container_id) throw new ToolInputError('container_type and container_id go together.', BOTH_OR_NEITHER);
    const reply = await ctx.ces.call(ops.downloadContainer, {
      path: { containerType: CONTAINER_WORD[args.container_type], containerId: args.container_id },
      body: { ...common, level: args.level, componentType: args.module_type },
    });
    return { reply, operation: ops.downloadContainer.id, label: `${args.container_type} ${args.container_id}${at}` };
  }
  if (!args.stream || !args.application || !args.level) throw new ToolInputError('The repository needs stream, application and level.', BOTH_OR_NEITHER);
  const op = args.sub_appl ? ops.downloadRepositorySubAppl : ops.downloadRepository;
  const reply = await ctx.ces.call(op, {
    path: { stream: args.stream, application: args.application, level: args.level, ...(args.sub_appl ? { subAppl: args.sub_appl } : {}) },
    // levelOption 0: the selected level only (1 would add the first version found above it).
    body: { ...common, componentTypes: args.module_type, levelOption: '0' },
  });
  return { reply, operation: op.id, label: `${args.stream}/${args.application}${args.sub_appl ? `/${args.sub_appl}` : ''}${at}` };
}
