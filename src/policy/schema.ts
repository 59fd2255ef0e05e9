// The lifecycle policy file (YAML): which operations are allowed, denied or need confirmation, by
// operation × level × stream/application; the ticket rule for emergency changes; freeze windows.
// Validated strictly: a typo in a policy must stop it from loading, never silently widen it.
import { z } from 'zod';

import { CONFIRM_KINDS } from '../mcp/kit/guard.js';

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'use letters, digits, spaces, . _ -');
/** Names compared case-insensitively; `*` and a trailing `*` (prefix) are wildcards. */
const patterns = z
  .array(
    z
      .string()
      .regex(/^[A-Za-z0-9#@$_.:-]*\*?$/, 'letters, digits and an optional trailing *')
      .min(1),
  )
  .min(1);

export const MatchSchema = z.strictObject({
  /** Operations: `promote`, `deploy`, `set_approve`, `create_assignment`… (tool name without `ispw_`; set actions as `set_<action>`). */
  operations: patterns.optional(),
  /** Tool kinds: read, write, destructive. */
  kinds: z
    .array(z.enum(['read', 'write', 'destructive']))
    .min(1)
    .optional(),
  /** The `level` argument (for promote and regress: the level the tasks are at before the move). */
  levels: patterns.optional(),
  /** Stream of the assignment or release, read from CES. */
  streams: patterns.optional(),
  /** Application of the assignment or release, read from CES. */
  applications: patterns.optional(),
  /** change_type argument: S, I or E. */
  changeTypes: z
    .array(z.enum(['S', 'I', 'E']))
    .min(1)
    .optional(),
});
export type PolicyMatch = z.output<typeof MatchSchema>;

export const RuleSchema = z
  .strictObject({
    name,
    match: MatchSchema.default({}),
    decision: z.enum(['allow', 'deny', 'confirm']),
    /** Shown to the caller with a denial or a confirmation request. */
    reason: z.string().max(500).optional(),
    /** For `confirm`: which confirmation is enough (docs/security.md "Human confirmation"; default: confirmKind in evaluate.ts). */
    confirm: z.enum(CONFIRM_KINDS).optional(),
    /** Four eyes: whoever requested a change cannot approve it (ispw_set_action approve). */
    fourEyes: z.boolean().optional(),
  })
  .refine((r) => r.confirm === undefined || r.decision === 'confirm', { message: 'confirm applies only to decision: confirm', path: ['confirm'] })
  .refine((r) => r.fourEyes !== true || r.decision !== 'deny', { message: 'fourEyes applies to allow and confirm rules', path: ['fourEyes'] });
export type PolicyRule = z.output<typeof RuleSchema>;

const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'use YYYY-MM-DDTHH:MM[:SS] (local time in timeZone)');

export const FreezeSchema = z
  .strictObject({
    name,
    start: localDateTime,
    end: localDateTime,
    /** IANA time zone of start and end, e.g. Europe/Berlin. */
    timeZone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'unknown IANA time zone'),
    match: MatchSchema.default({ operations: ['promote', 'deploy'] }),
    reason: z.string().max(500).optional(),
  })
  .refine((f) => f.start < f.end, { message: 'start must be before end', path: ['end'] });
export type FreezeWindow = z.output<typeof FreezeSchema>;

export const TicketSchema = z.strictObject({
  /** Change types that need a ticket (default: E, emergency). */
  changeTypes: z
    .array(z.enum(['S', 'I', 'E']))
    .min(1)
    .default(['E']),
  /** Regular expression a `ticket` argument must match in full, e.g. `^(CHG|INC)[0-9]{7}$`. */
  pattern: z.string().refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression'),
  /** Shown to a caller whose ticket is missing or malformed. */
  hint: z.string().max(300).optional(),
});

export const PolicySchema = z.strictObject({
  version: z.literal(1),
  /** Decision when no rule matches (default allow: server settings still bound everything). */
  default: z.enum(['allow', 'deny', 'confirm']).default('allow'),
  ticket: TicketSchema.optional(),
  freezes: z.array(FreezeSchema).default([]),
  /** Ordered: the first matching rule decides. */
  rules: z.array(RuleSchema).default([]),
  /**
   * Levels that are production for this site (patterns). Under the prod profile, a confirmation at
   * these levels — and of deploy, fallback and regress anywhere — needs a person unless the rule says otherwise.
   */
  productionLevels: patterns.default(['PRD*', 'PROD*']),
});
export type Policy = z.output<typeof PolicySchema>;

/** A policy that allows everything (no file configured). */
export const OPEN_POLICY: Policy = PolicySchema.parse({ version: 1 });
