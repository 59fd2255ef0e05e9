// Argument and result fragments shared by several tools. Kept deliberately terse: every byte of a
// schema is repeated in every `tools/list` reply a model reads (docs/tools.md records the total).
import { z } from 'zod';

import { setOptionsInput } from '../../ces/set-options.js';
import type { TaskInfo } from '../../ces/dto/index.js';
import { guardedLimit, guardedName } from '../../mcp/kit/params.js';
import { deploymentRow, failedTask } from '../../mcp/kit/set-outcome.js';
import { setWaitOutput } from '../../mcp/kit/wait-for-set.js';

/** Row cap for every list tool; CES itself has no paging (docs/ces-api.md §3). */
export const limitParam = guardedLimit(z.number().int().min(1).max(500).default(50));

/** A filter value for CES list calls; a trailing `*` is CES's wildcard (docs/ces-api.md §2.5). Query
 * values are encoded by the CES client, so a length bound is all the schema needs to say. */
export const nameFilter = z.string().min(1).max(32);

/** A CES date (yyyy-mm-dd, docs/ces-api.md §2.5). A plain pattern: z.iso.date() adds ~250 bytes of
 * calendar regex to every schema that uses it, and CES rejects impossible dates itself. */
export const isoDate = guardedName(z.string().regex(/^\d{4}-\d\d-\d\d$/, 'YYYY-MM-DD'));
const isoTime = guardedName(z.string().regex(/^\d\d:\d\d:\d\d$/, 'HH:MM:SS'));

/** The deploy scheduling set options with the lean date/time schemas above (same body fields). */
export const deployTimes = {
  deploy_implementation_date: isoDate.optional(),
  deploy_implementation_time: isoTime.optional(),
  deploy_active_date: isoDate.optional(),
  deploy_active_time: isoTime.optional(),
};

/** CES sends blank text as " " (docs/ces-api.md §3); a blank is "absent" to a model. */
export const clean = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

/** The object without its undefined fields, so a result matches its schema's optional fields. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Keeps the listed keys of a CES reply, trimmed, dropping blanks, so the result matches its schema. */
export function pickText<K extends string>(source: Partial<Record<K, unknown>>, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const raw = source[key];
    const value = typeof raw === 'string' ? clean(raw) : raw === undefined || raw === null ? undefined : String(raw);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Set options offered by a tool: each tool takes only the ones CES uses for it (docs/ces-api.md §2.7). */
export const pickSetOptions = <K extends keyof typeof setOptionsInput>(...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, setOptionsInput[k]])) as Pick<typeof setOptionsInput, K>;

const optionalText = z.string().optional();

export const TASK_KEYS = ['taskId', 'moduleName', 'moduleType', 'level', 'status', 'operation', 'container'] as const;
export const taskRow = z.object(Object.fromEntries(TASK_KEYS.map((k) => [k, optionalText])) as Record<(typeof TASK_KEYS)[number], typeof optionalText>);
export type TaskRow = z.output<typeof taskRow>;
export const toTaskRow = (task: TaskInfo): TaskRow => pickText(task, TASK_KEYS);

/** What every set-creating tool returns (docs/ces-api.md §3.1, §4; what a closed set did: docs/ces-fidelity.md). */
export const setOpOutput = {
  setId: z.string().optional(),
  message: z.string().optional(),
  ...setWaitOutput,
};

/** Tools whose closed set is checked task by task (generate, build). */
export const failedTasksOutput = { failedTasks: z.array(failedTask).optional() };
/** Tools whose closed set may carry deployment requests (deploy, set actions). */
export const deploymentsOutput = { deployments: z.array(deploymentRow).optional() };

/** Caps a list at `limit` rows and says whether rows were left out. */
export function cap<T>(items: readonly T[], limit: number): { items: T[]; count: number; truncated: boolean } {
  return { items: items.slice(0, limit), count: items.length, truncated: items.length > limit };
}

export const listOutput = <T extends z.ZodType>(item: T) => ({
  items: z.array(item),
  count: z.number(),
  truncated: z.boolean(),
  message: z.string().optional(),
});
