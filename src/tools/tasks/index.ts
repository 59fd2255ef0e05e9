// The tasks toolset: task lists and details, task load/add/transfer, the lifecycle operations
// and the work list.
import type { AnyToolDef } from '../../mcp/kit/define-tool.js';
import { addTask } from './add-task.js';
import { build } from './build.js';
import { deploy } from './deploy.js';
import { fallback } from './fallback.js';
import { generate } from './generate.js';
import { generateWithParms } from './generate-with-parms.js';
import { getGenerateParms } from './get-generate-parms.js';
import { getTask } from './get-task.js';
import { getTaskListing } from './get-task-listing.js';
import { getWorkList } from './get-work-list.js';
import { listTasks } from './list-tasks.js';
import { loadTask } from './load-task.js';
import { promote } from './promote.js';
import { regress } from './regress.js';
import { transferTasks } from './transfer-tasks.js';

export const TASK_TOOLS: readonly AnyToolDef[] = [
  listTasks,
  getTask,
  getTaskListing,
  getWorkList,
  generate,
  build,
  promote,
  deploy,
  regress,
  fallback,
  getGenerateParms,
  generateWithParms,
  loadTask,
  addTask,
  transferTasks,
];
