// Shared argument schemas. Ids are checked against the formats CES uses (ces-api.md §3.3) so that a
// wrong id fails here with a clear message instead of as a confusing CES error — and so that no
// `/`, `..`, `&` or control character can ever reach a CES path or query string.
import { z } from 'zod';

const NATIONAL = 'A-Za-z0-9@#$'; // mainframe names allow the national characters @ # $

const id = (label: string, pattern: RegExp, example: string) =>
  z.string().regex(pattern, `${label} must look like ${example}`);

// No per-tool description: the server instructions explain srid once instead of 33 times in tools/list.
export const sridParam = id('srid', /^[A-Za-z0-9][A-Za-z0-9._@#$-]{0,63}$/, 'CW09-47623').optional();

export const assignmentIdParam = id('assignment_id', new RegExp(`^[${NATIONAL}]{1,16}$`), 'PLAY000313').describe(
  'assignment id, e.g. PLAY000313',
);
export const releaseIdParam = id('release_id', new RegExp(`^[${NATIONAL}]{1,16}$`), 'REL2026Q4').describe(
  'release id',
);
export const setIdParam = id('set_id', /^[A-Za-z0-9]{1,16}$/, 'S000238588').describe('set id, e.g. S000238588');
export const taskIdParam = id('task_id', /^[A-Za-z0-9]{1,32}$/, '7E3A5D04D0C2').describe('task id (12 hex chars)');
export const taskIdsParam = z.array(taskIdParam).min(1).max(100).describe('task ids');
export const levelParam = id('level', new RegExp(`^[${NATIONAL}]{1,8}$`), 'DEV1').describe(
  'lifecycle level, e.g. DEV1',
);
export const moduleNameParam = id('module_name', new RegExp(`^[${NATIONAL}_.-]{1,64}$`), 'TPROG01').describe(
  'module (member) name',
);
export const moduleTypeParam = id('module_type', new RegExp(`^[${NATIONAL}]{1,8}$`), 'COB').describe(
  'module type, e.g. COB',
);
export const nameParam = (label: string, describe: string) =>
  id(label, new RegExp(`^[${NATIONAL}]{1,8}$`), 'PLAY').describe(describe);
export const userIdParam = id('user id', new RegExp(`^[${NATIONAL}]{1,8}$`), 'USER01');
export const requestIdParam = id('request_id', /^\d{1,12}$/, '46158').describe('deployment request id');

/** Free text (descriptions, tags): printable characters only. */
export const textParam = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const containerTypeParam = z
  .enum(['assignment', 'release', 'set'])
  .describe('what container_id names');

export const waitSecondsParam = z
  .number()
  .int()
  .min(0)
  .max(3600)
  .optional()
  .describe('seconds to wait for the set to finish, with progress (0: return at once)');

/** The one-letter container type codes of `containers/list` (ces-api.md §2.5). */
export const CONTAINER_TYPE_CODE = { assignment: 'A', release: 'R', set: 'S' } as const;
