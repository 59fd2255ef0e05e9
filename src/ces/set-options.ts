// The "SetOptions" JSON body shared by every set-creating POST (docs/ces-api.md §2.7). Tools speak
// snake_case; CES speaks the SetInfo model's names. Unset options are omitted, never sent empty.
import { z } from 'zod';

import { guardedName } from '../shared/guarded-name.js';

export const setOptionsInput = {
  // Default: the configured one (explained once in the server instructions).
  runtime_configuration: guardedName(z.string().regex(/^[A-Za-z0-9#@$]{1,8}$/)).optional(),
  change_type: z.enum(['S', 'I', 'E']).optional(),
  execution_status: z.enum(['I', 'H']).optional(),
  auto_deploy: z.boolean().optional(),
  override: z.boolean().optional().describe('promote: overwrite a higher version at the next level'),
  deploy_implementation_date: z.iso.date().optional().describe('YYYY-MM-DD'),
  deploy_implementation_time: z.iso.time({ precision: 0 }).optional().describe('HH:MM:SS'),
  deploy_active_date: z.iso.date().optional().describe('YYYY-MM-DD'),
  deploy_active_time: z.iso.time({ precision: 0 }).optional().describe('HH:MM:SS'),
  dpenvlst: guardedName(
    z
      .string()
      .max(255)
      .regex(/^[A-Za-z0-9#@$ ]*$/),
  )
    .optional()
    .describe('space-separated deploy environments override'),
  system: guardedName(z.string().regex(/^[A-Za-z0-9#@$_-]{1,16}$/))
    .optional()
    .describe('deploy system'),
};

export type SetOptionsInput = {
  [K in keyof typeof setOptionsInput]?: z.output<(typeof setOptionsInput)[K]>;
};

/**
 * Builds the CES body; `defaultRuntimeConfig` fills the runtime configuration when none is given.
 * `dialect` is the endpoint's (Operation.setOptions): BMC's GitHub actions for generate-await and
 * promote send `runtimeConfig`, `execStat` and a JSON boolean `autoDeploy`; Jenkins and the build
 * action send `runtimeConfiguration`, `executionStatus` and "true"/"false" (docs/ces-api.md errata E7).
 */
export function toSetOptionsBody(input: SetOptionsInput, defaultRuntimeConfig?: string, dialect?: 'actions'): Record<string, string | boolean> {
  const actions = dialect === 'actions';
  const body: Record<string, string | boolean | undefined> = {
    [actions ? 'runtimeConfig' : 'runtimeConfiguration']: input.runtime_configuration ?? defaultRuntimeConfig,
    changeType: input.change_type,
    [actions ? 'execStat' : 'executionStatus']: input.execution_status,
    autoDeploy: actions || input.auto_deploy === undefined ? input.auto_deploy : String(input.auto_deploy),
    override: input.override === undefined ? undefined : String(input.override),
    deployImplementationDate: input.deploy_implementation_date,
    deployImplementationTime: input.deploy_implementation_time,
    deployActiveDate: input.deploy_active_date,
    deployActiveTime: input.deploy_active_time,
    dpenvlst: input.dpenvlst,
    system: input.system,
  };
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string | boolean] => entry[1] !== undefined && entry[1] !== ''));
}
