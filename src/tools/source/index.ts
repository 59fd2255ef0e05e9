// The source toolset: list the members of a container or repository level, and read one.
import type { AnyToolDef } from '../../mcp/kit/define-tool.js';
import { getMember } from './get-member.js';
import { listMembers } from './list-members.js';

export const SOURCE_TOOLS: readonly AnyToolDef[] = [listMembers, getMember];
