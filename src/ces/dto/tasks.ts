// Task replies (docs/ces-api.md §3.3).
import { z } from 'zod';

import { flag, listOf, messageText, text } from './common.js';

export const TaskInfo = z.looseObject({
  taskId: text,
  moduleName: text,
  moduleType: text,
  application: text,
  subAppl: text,
  stream: text,
  level: text,
  userId: text,
  status: text,
  operation: text,
  action: text,
  dateTime: text,
  message: messageText,
  set: text,
  version: text,
  environment: text,
  release: text,
  container: text,
  assignmentId: text,
  currentLevel: text,
  startingLevel: text,
  generateSequence: text,
  sql: flag,
  ims: flag,
  cics: flag,
  program: flag,
});
export type TaskInfo = z.output<typeof TaskInfo>;

export const TaskList = z.looseObject({ tasks: listOf(TaskInfo), message: messageText });
export type TaskList = z.output<typeof TaskList>;

export const TaskLoaded = z.looseObject({ taskId: text, message: messageText, url: text });
export type TaskLoaded = z.output<typeof TaskLoaded>;

export const TaskAdded = z.looseObject({
  setId: text,
  message: messageText,
  url: text,
  taskName: text,
});
export type TaskAdded = z.output<typeof TaskAdded>;

export const FailedTask = z.looseObject({
  mname: text,
  mtype: text,
  taskId: text,
  errorMessage: text,
});

/** Reply to transfer and remove-from-release (docs/ces-api.md §3.10). */
export const MultiTask = z.looseObject({
  message: messageText,
  url: text,
  failedTasks: listOf(FailedTask),
});
export type MultiTask = z.output<typeof MultiTask>;

export const Listing = z.looseObject({ listing: text, message: messageText });
export type Listing = z.output<typeof Listing>;

/** Generate-with-parameters form (docs/ces-api.md §3.10): a dialog XML plus data-group defaults. */
export const GenParmForm = z.looseObject({
  setId: text,
  xml: text,
  message: messageText,
  datagroupInfo: z.looseObject({ entry: listOf(z.looseObject({ key: text, value: z.unknown().optional() })) }).optional(),
});
export type GenParmForm = z.output<typeof GenParmForm>;
