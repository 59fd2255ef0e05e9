// The deployments toolset: deployment requests of sets and releases.
import type { AnyToolDef } from '../../mcp/kit/define-tool.js';
import { cancelDeployment } from './cancel-deployment.js';
import { getSetDeployment } from './get-set-deployment.js';
import { listDeployments } from './list-deployments.js';
import { manageReleaseDeployments } from './manage-release-deployments.js';

export const DEPLOYMENT_TOOLS: readonly AnyToolDef[] = [listDeployments, getSetDeployment, cancelDeployment, manageReleaseDeployments];
