// The sets toolset: find sets, read them, and act on them.
import type { AnyToolDef } from '../../mcp/kit/define-tool.js';
import { getSet } from './get-set.js';
import { listSets } from './list-sets.js';
import { setAction } from './set-action.js';

export const SET_TOOLS: readonly AnyToolDef[] = [listSets, getSet, setAction];
