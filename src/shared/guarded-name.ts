// Marks a string schema as a mainframe name (level, module, owner, stream, runtime configuration…)
// rather than an object id: zod validates it by its pattern like an id, but tools/list advertises
// it by type only (src/mcp/kit/advertised-schema.ts drops the pattern). The pattern is a guard, not
// something a model needs to read in every tool schema; a wrong value is refused with an error that
// names the expected form. Dates and times are guarded the same way (their form is in the server
// instructions).
import type { z } from 'zod';

/** The zod metadata key of a guarded name; never advertised itself. */
export const GUARDED_PATTERN = 'x-ispw-guarded-pattern';

/** The same schema (zod metadata survives .optional() and .describe()), marked as a guarded name. */
export const guardedName = <S extends z.ZodString>(schema: S): S => schema.meta({ [GUARDED_PATTERN]: true });

/** The zod metadata key of the shared row limit (src/tools/shared/fields.ts limitParam). */
export const GUARDED_LIMIT = 'x-ispw-guarded-limit';

/**
 * Marks the shared row limit: advertised with its maximum only — its lower bound and default are in
 * the server instructions once rather than in every list tool; zod still applies both.
 */
export const guardedLimit = <S extends z.ZodType>(schema: S): S => schema.meta({ [GUARDED_LIMIT]: true });
