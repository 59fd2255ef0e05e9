// The route table under /ispw/{srid}: one registration function per resource file.
import { Router } from '../router.js';
import { assignmentRoutes } from './assignments.js';
import { buildRoutes } from './build.js';
import { deploymentRoutes } from './deployments.js';
import { downloadRoutes } from './downloads.js';
import { lifecycleRoutes } from './lifecycle.js';
import { listRoutes } from './lists.js';
import { releaseRoutes } from './releases.js';
import { setRoutes } from './sets.js';

export function buildRouter(): Router {
  const router = new Router();
  assignmentRoutes(router);
  releaseRoutes(router);
  lifecycleRoutes(router);
  setRoutes(router);
  buildRoutes(router);
  listRoutes(router);
  deploymentRoutes(router);
  downloadRoutes(router);
  return router;
}
