// Reads the "SetOptions" JSON body of set-creating POSTs (docs/ces-api.md §2.7). BMC's own clients
// disagree on field names, so every alias of §8.1 is accepted: runtimeConfiguration|runtimeConfig,
// executionStatus|execStat|execStatus, autoDeploy as "true"/"false" or a JSON boolean.
import { parseEvents } from './callbacks.js';
import type { SetOptions } from './estate.js';
import { HttpError } from './http.js';

type Body = Record<string, unknown>;

/** First present field among `names`, as text ('' and null count as absent). */
export function textField(body: Body, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      if (value.trim() !== '') return value.trim();
      continue;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new HttpError(400, `Field '${name}' must be a string`);
  }
  return undefined;
}

/** A required body field; 400 naming the field when absent (docs/ces-api.md §5: `{message}`). */
export function requiredField(body: Body, name: string, ...aliases: string[]): string {
  const value = textField(body, name, ...aliases);
  if (value === undefined) throw new HttpError(400, `Missing required field '${name}' in the request body`);
  return value;
}

export function booleanField(body: Body, ...names: string[]): boolean | undefined {
  for (const name of names) {
    const value = body[name];
    if (value === undefined || value === null || value === '') continue;
    if (value === true || value === false) return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    throw new HttpError(400, `Field '${name}' must be true or false`);
  }
  return undefined;
}

export function parseSetOptions(body: Body): SetOptions {
  const changeType = (textField(body, 'changeType') ?? 'S').toUpperCase();
  if (!['S', 'I', 'E'].includes(changeType)) {
    throw new HttpError(400, `Invalid changeType '${changeType}': expected S, I or E`);
  }
  const executionStatus = (textField(body, 'executionStatus', 'execStat', 'execStatus') ?? 'I').toUpperCase();
  if (!['I', 'H'].includes(executionStatus)) {
    throw new HttpError(400, `Invalid executionStatus '${executionStatus}': expected I or H`);
  }
  const dpenvlst = textField(body, 'dpenvlst');
  if (dpenvlst !== undefined && dpenvlst.length > 255) {
    throw new HttpError(400, 'dpenvlst is longer than 255 characters');
  }
  return {
    runtimeConfiguration: textField(body, 'runtimeConfiguration', 'runtimeConfig'),
    changeType,
    executionStatus,
    autoDeploy: booleanField(body, 'autoDeploy') ?? false,
    override: booleanField(body, 'override') ?? false,
    dpenvlst,
    system: textField(body, 'system'),
    deployImplementationDate: textField(body, 'deployImplementationDate'),
    deployImplementationTime: textField(body, 'deployImplementationTime'),
    deployActiveDate: textField(body, 'deployActiveDate'),
    deployActiveTime: textField(body, 'deployActiveTime'),
    events: parseEvents(body),
  };
}
