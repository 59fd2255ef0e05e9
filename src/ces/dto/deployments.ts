// Deployment and work-list replies (docs/ces-api.md §3.7, §3.9).
import { z } from 'zod';

import { listOf, messageText, text } from './common.js';

export const DeploymentItem = z.looseObject({
  item: text,
  part: text,
  name: text,
  deploymentType: text,
  application: text,
  subAppl: text,
  type: text,
  clazz: text,
  action: text,
  system: text,
  status: text,
  storage: text,
});

export const DeploymentPackage = z.looseObject({
  packageId: text,
  subEnvironment: text,
  system: text,
  category: text,
  status: text,
  startDate: text,
  endDate: text,
  implementationDate: text,
  activeDate: text,
  deploymentItems: listOf(DeploymentItem),
});

export const DeploymentInfo = z.looseObject({
  requestId: text,
  setId: text,
  environment: text,
  status: text,
  description: text,
  createDate: text,
  createDateTime: text,
  message: messageText,
  packages: listOf(DeploymentPackage),
});
export type DeploymentInfo = z.output<typeof DeploymentInfo>;

/**
 * Deployment list. CES's array key is uncertain (docs/ces-api.md §8.3): Jenkins reads `deployments`,
 * Azure `deploymentListItems`. Both are accepted and merged into `deployments`.
 */
export const DeploymentList = z
  .looseObject({
    deployments: listOf(DeploymentInfo),
    deploymentListItems: listOf(DeploymentInfo),
    message: messageText,
  })
  .transform(({ deploymentListItems, deployments, ...rest }) => ({
    ...rest,
    deployments: [...deployments, ...deploymentListItems],
  }));
export type DeploymentList = z.output<typeof DeploymentList>;

/** GET /sets/{setId}/deployment: a `deployments` list, or one flat DeploymentInfo (§3.7). */
export const SetDeployment = z.looseObject({ deployments: listOf(DeploymentInfo), message: messageText }).transform((value) => {
  const flat = value as Record<string, unknown>;
  if (value.deployments.length === 0 && (flat.requestId !== undefined || flat.status !== undefined)) {
    return { message: value.message, deployments: [DeploymentInfo.parse(flat)] };
  }
  return { message: value.message, deployments: value.deployments };
});
export type SetDeployment = z.output<typeof SetDeployment>;

export const DeploymentCancel = z.looseObject({
  requestId: text,
  message: messageText,
  url: text,
});
export type DeploymentCancel = z.output<typeof DeploymentCancel>;

/** Reply to release deployment restart/terminate. */
export const ReleaseDeployOp = z.looseObject({
  message: messageText,
  sets: listOf(z.looseObject({ id: text, deployments: listOf(DeploymentInfo) })),
});
export type ReleaseDeployOp = z.output<typeof ReleaseDeployOp>;

export const WorkListItem = z.looseObject({
  taskId: text,
  name: text,
  type: text,
  application: text,
  subAppl: text,
  stream: text,
  level: text,
  assignmentId: text,
  releaseId: text,
  operation: text,
  owner: text,
  user: text,
  version: text,
  environment: text,
  dateTime: text,
  path: text,
  refNumber: text,
});
export type WorkListItem = z.output<typeof WorkListItem>;

/** Work list: `workListItems` (both BMC models), with the `workList` spelling also accepted. */
export const WorkList = z
  .looseObject({
    workListItems: listOf(WorkListItem),
    workList: listOf(WorkListItem),
    message: messageText,
  })
  .transform(({ workList, workListItems, ...rest }) => ({
    ...rest,
    workListItems: [...workListItems, ...workList],
  }));
export type WorkList = z.output<typeof WorkList>;
