// The assignments toolset: find, read, create, cancel and close assignments.
import type { AnyToolDef } from '../../mcp/kit/define-tool.js';
import { cancelAssignment } from './cancel-assignment.js';
import { closeAssignment } from './close-assignment.js';
import { createAssignment } from './create-assignment.js';
import { getAssignment } from './get-assignment.js';
import { listAssignments } from './list-assignments.js';

export const ASSIGNMENT_TOOLS: readonly AnyToolDef[] = [listAssignments, getAssignment, createAssignment, cancelAssignment, closeAssignment];
