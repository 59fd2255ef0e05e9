// Assignment, release and container-list replies (docs/ces-api.md §3.4, §3.5, §3.8).
import { z } from 'zod';

import { listOf, messageText, text } from './common.js';

export const AssignmentInfo = z.looseObject({
  assignmentId: text,
  stream: text,
  application: text,
  subAppl: text,
  defaultPath: text,
  description: text,
  owner: text,
  refNumber: text,
  releaseId: text,
  userTag: text,
  message: messageText,
});
export type AssignmentInfo = z.output<typeof AssignmentInfo>;

/** Reply to create, cancel and close of an assignment. */
export const AssignmentCreated = z.looseObject({
  assignmentId: text,
  message: messageText,
  url: text,
});
export type AssignmentCreated = z.output<typeof AssignmentCreated>;

export const ReleaseInfo = z.looseObject({
  releaseId: text,
  stream: text,
  application: text,
  subAppl: text,
  description: text,
  owner: text,
  referenceNumber: text,
  userTag: text,
  message: messageText,
});
export type ReleaseInfo = z.output<typeof ReleaseInfo>;

/** Reply to create, cancel and close of a release. */
export const ReleaseCreated = z.looseObject({
  releaseId: text,
  message: messageText,
  url: text,
});
export type ReleaseCreated = z.output<typeof ReleaseCreated>;

export const ContainerItem = z.looseObject({
  containerId: text,
  containerType: text,
  application: text,
  subAppl: text,
  description: text,
  owner: text,
  path: text,
  refNumber: text,
  releaseId: text,
  stream: text,
  tag: text,
  userId: text,
});
export type ContainerItem = z.output<typeof ContainerItem>;

export const ContainerList = z.looseObject({
  containers: listOf(ContainerItem),
  message: messageText,
});
export type ContainerList = z.output<typeof ContainerList>;
