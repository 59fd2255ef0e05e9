// The tool registry: every tool of the server, grouped in toolsets. The inventory (src/mcp)
// filters this list by toolset, read-only mode and allow/deny lists; tools are never registered
// anywhere else.
import type { AnyToolDef, ToolsetId } from '../mcp/kit/define-tool.js';
import { ASSIGNMENT_TOOLS } from './assignments/index.js';
import { DEPLOYMENT_TOOLS } from './deployments/index.js';
import { RELEASE_TOOLS } from './releases/index.js';
import { SET_TOOLS } from './sets/index.js';
import { SOURCE_TOOLS } from './source/index.js';
import { TASK_TOOLS } from './tasks/index.js';

export interface ToolsetMeta {
  readonly id: ToolsetId;
  readonly description: string;
  /** Enabled when the configuration names no toolsets. */
  readonly default: boolean;
}

export const TOOLSETS: readonly ToolsetMeta[] = [
  { id: 'assignments', description: 'Find, read, create, cancel and close assignments.', default: true },
  { id: 'releases', description: 'Find, read, create, cancel and close releases; remove tasks from them.', default: true },
  { id: 'sets', description: 'Find and read sets; hold, release, approve, terminate and other set actions.', default: true },
  {
    id: 'tasks',
    description: 'Task lists and details, load/add/transfer, generate, build, promote, deploy, regress, fallback, work list.',
    default: true,
  },
  { id: 'deployments', description: 'Deployment requests of sets and releases: list, cancel, restart, terminate.', default: true },
  { id: 'source', description: 'Source members of containers and repository levels: list them, read one.', default: true },
];

export const ALL_TOOLS: readonly AnyToolDef[] = [...ASSIGNMENT_TOOLS, ...RELEASE_TOOLS, ...SET_TOOLS, ...TASK_TOOLS, ...DEPLOYMENT_TOOLS, ...SOURCE_TOOLS];
