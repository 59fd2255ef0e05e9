// Deployment rows shared by the deployment tools (docs/ces-api.md §3.7).
import { z } from 'zod';

import type { DeploymentInfo } from '../../ces/dto/index.js';
import { pickText } from './fields.js';

const KEYS = ['requestId', 'setId', 'environment', 'status', 'description', 'createDateTime'] as const;
export const deploymentRow = z.object(
  Object.fromEntries(KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof KEYS)[number], z.ZodOptional<z.ZodString>>,
);
export type DeploymentRow = z.output<typeof deploymentRow>;
export const toDeploymentRow = (deployment: DeploymentInfo): DeploymentRow => {
  const row = pickText(deployment, KEYS);
  // Jenkins' model has createDate and createDateTime; show whichever CES sent.
  if (!row.createDateTime && deployment.createDate?.trim()) row.createDateTime = deployment.createDate.trim();
  return row;
};
export const DEPLOYMENT_COLUMNS = ['requestId', 'setId', 'environment', 'status', 'createDateTime', 'description'] as const;
