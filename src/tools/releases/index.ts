// The releases toolset: find, read, create, cancel and close releases, and remove tasks from them.
import type { AnyToolDef } from '../../mcp/kit/define-tool.js';
import { cancelRelease } from './cancel-release.js';
import { closeRelease } from './close-release.js';
import { createRelease } from './create-release.js';
import { getRelease } from './get-release.js';
import { listReleases } from './list-releases.js';
import { removeFromRelease } from './remove-from-release.js';

export const RELEASE_TOOLS: readonly AnyToolDef[] = [listReleases, getRelease, createRelease, removeFromRelease, cancelRelease, closeRelease];
