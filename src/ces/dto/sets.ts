// Set replies and the reply every set-creating operation gives (docs/ces-api.md §3.1, §3.2, §3.6, §3.10).
import { z } from 'zod';

import { listOf, messageText, text } from './common.js';
import { TaskInfo } from './tasks.js';

/** Reply to generate/promote/deploy/regress/fallback and set actions. `url` is never followed. */
export const SetOp = z.looseObject({ setId: text, message: messageText, url: text });
export type SetOp = z.output<typeof SetOp>;

/** Reply to build operations: a set plus the tasks that will be built. */
export const BuildOp = z.looseObject({
  setId: text,
  assignmentId: text,
  message: messageText,
  url: text,
  tasks: listOf(TaskInfo),
});
export type BuildOp = z.output<typeof BuildOp>;

export const AwaitStatus = z.looseObject({
  generateFailedCount: z.number().optional(),
  generateSuccessCount: z.number().optional(),
  hasFailures: z.boolean().optional(),
  taskCount: z.number().optional(),
  statusMsg: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Reply to the blocking `-await` variants. */
export const AwaitResult = z.looseObject({
  setId: text,
  url: text,
  message: messageText,
  assignmentId: text,
  awaitStatus: AwaitStatus.optional(),
});
export type AwaitResult = z.output<typeof AwaitResult>;

/** GET /sets/{setId}. Note the lower-case `setid`. */
export const SetInfo = z.looseObject({
  setid: text,
  state: text,
  applicationId: text,
  subAppl: text,
  streamName: text,
  description: text,
  owner: text,
  startDate: text,
  startTime: text,
  deployImplementationDate: text,
  deployImplementationTime: text,
  deployActiveDate: text,
  deployActiveTime: text,
  message: messageText,
  tasks: listOf(TaskInfo),
});
export type SetInfo = z.output<typeof SetInfo>;

/** Set states from docs/ces-api.md §4.2, grouped by what a waiting client does with them. */
export const SET_STATES = {
  running: ['Dispatched', 'Executing', 'Ready', 'Starting', 'Pending'],
  succeeded: ['Closed', 'Complete', 'Completed'],
  failed: ['Failed', 'Deploy-Failed'],
  stopped: ['Held', 'Released', 'Waiting-Lock', 'Terminated', 'Waiting-Approval'],
} as const;
