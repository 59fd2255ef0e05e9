// Shared argument schemas. Ids are checked against the formats CES uses (docs/ces-api.md §3.3) so that a
// wrong id fails here with a clear message instead of as a confusing CES error — and so that no
// `/`, `..`, `&` or control character can ever reach a CES path or query string.
import { z } from 'zod';

import { guardedLimit, guardedName } from '../../shared/guarded-name.js';

/** Marks a string schema as a name validated by its pattern but advertised by type (src/shared/guarded-name.ts). */
export { guardedName };
/** Marks the shared row limit: advertised by its maximum only (src/shared/guarded-name.ts). */
export { guardedLimit };

const NATIONAL = 'A-Za-z0-9@#$'; // mainframe names allow the national characters @ # $

/**
 * The message for a missing argument, e.g. "is required: the lifecycle level, e.g. DEV1"; the tool
 * dispatch puts the argument's name in front (src/mcp/kit/tool-dispatch.ts). Only a missing value
 * gets it: any other problem keeps the schema's own message.
 */
export const REQUIRED = 'is required';
export const requiredMessage = (meaning: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `${REQUIRED}: ${meaning}` : undefined);

const id = (label: string, pattern: RegExp, example: string, meaning: string) =>
  z.string({ error: requiredMessage(`${meaning}, e.g. ${example}`) }).regex(pattern, `${label} must look like ${example}`);

// A guarded name (src/shared/guarded-name.ts): validated by its pattern, advertised by type only.
const name = (label: string, pattern: RegExp, example: string, meaning: string) => guardedName(id(label, pattern, example, meaning));

// Generic arguments carry no description: the names say what they are, and the server
// instructions explain srid, levels and the set options once instead of in every tool's schema.
export const sridParam = name('srid', /^[A-Za-z0-9][A-Za-z0-9._@#$-]{0,63}$/, 'CW09-47623', 'the Code Pipeline instance').optional();

export const assignmentIdParam = id('assignment_id', new RegExp(`^[${NATIONAL}]{1,16}$`), 'PLAY000313', 'an assignment id');
export const releaseIdParam = id('release_id', new RegExp(`^[${NATIONAL}]{1,16}$`), 'REL2026Q4', 'a release id');
export const setIdParam = id('set_id', /^[A-Za-z0-9]{1,16}$/, 'S000238588', 'a set id');
export const taskIdParam = id('task_id', /^[A-Za-z0-9]{1,32}$/, '7E3A5D04D0C2', 'a task id');
export const taskIdsParam = z.array(taskIdParam).min(1).max(100);
// CES levels are upper-case mainframe names: `dev1` is taken as DEV1, the same way in every tool,
// so the policy, the audit trail and CES all see the level CES knows.
export const levelParam = guardedName(id('level', new RegExp(`^[${NATIONAL}]{1,8}$`), 'DEV1', 'the lifecycle level').toUpperCase());
export const moduleNameParam = name('module_name', new RegExp(`^[${NATIONAL}_.-]{1,64}$`), 'TPROG01', 'a module (member) name');
export const moduleTypeParam = name('module_type', new RegExp(`^[${NATIONAL}]{1,8}$`), 'COB', 'a module type');
export const nameParam = (label: string) => name(label, new RegExp(`^[${NATIONAL}]{1,8}$`), 'PLAY', `the ${label} name`);
export const userIdParam = name('user id', new RegExp(`^[${NATIONAL}]{1,8}$`), 'USER01', 'a mainframe user id');
export const requestIdParam = id('request_id', /^\d{1,12}$/, '46158', 'a deployment request id');

/** Free text (descriptions, tags): printable characters only. */
export const textParam = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const containerTypeParam = z.enum(['assignment', 'release', 'set'], { error: requiredMessage('assignment, release or set') });

/** Seconds to wait for the created set with progress (0: return at once); see the instructions. */
export const waitSecondsParam = z.number().int().min(0).max(3600).optional();

/** The one-letter container type codes of `containers/list` (docs/ces-api.md §2.5). */
export const CONTAINER_TYPE_CODE = { assignment: 'A', release: 'R', set: 'S' } as const;
