// What a caller can do about each CES failure: the hint appended to a CES error's text in a tool
// result, which already says what happened (so a hint does not repeat it). One entry per CesError
// code, so a new code without a hint is a type error; a 404 names the list tool for the kind of
// object the operation addresses.
import type { CesError } from '../ces/errors.js';

export const CES_ERROR_HINTS: Record<Exclude<CesError['code'], 'ces_not_found'>, string> = {
  ces_input: 'Correct the arguments and call again.',
  ces_auth: 'Calling again will not help until the operator has fixed the token.',
  ces_conflict: 'Another operation is running on these tasks; wait for it (ispw_get_set) and try again.',
  ces_rejected: 'CES refused the request; its message above says why.',
  ces_rate_limited: 'CES is rate limiting; wait and try again.',
  ces_server: 'CES failed internally; try again later or ask the CES administrator.',
  ces_timeout: 'CES did not answer in time. For a write, check with ispw_get_set or the list tools before retrying: it may have been done.',
  ces_unavailable: 'Try again later, or ask the operator to check connectivity and TLS settings.',
  ces_bad_reply: 'CES sent a reply this server could not read; ask the operator to check the CES version.',
};

// The list tool for the kind of object an operation addresses (its id's first part).
const LIST_TOOL: Record<string, string> = {
  assignment: 'ispw_list_assignments',
  release: 'ispw_list_releases',
  set: 'ispw_list_sets',
  deployment: 'ispw_list_deployments',
  task: 'ispw_list_tasks',
};

function notFoundHint(operation: string | undefined): string {
  const [resource, part] = (operation ?? '').split('.');
  const tools = [LIST_TOOL[resource ?? ''], part?.startsWith('task') ? LIST_TOOL.task : undefined].filter((tool) => tool !== undefined);
  const where = tools.length === 0 ? 'the list tools show valid ids' : `${tools.join(' and ')} ${tools.length === 1 ? 'shows' : 'show'} valid ids`;
  return `Check the id (${where}) and the srid.`;
}

/** Ends a sentence with a full stop unless it already ends with one. */
const sentence = (text: string) => (/[.!?]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`);

/** The text of a CES error for a tool result: what happened, what CES said, when to retry, what to do. */
export function describeCesError(error: CesError): string {
  const parts = [sentence(error.message)];
  if (error.details.cesMessage && !error.message.includes(error.details.cesMessage)) {
    parts.push(sentence(`CES said: ${error.details.cesMessage}`));
  }
  if (error.details.retryAfterSeconds !== undefined) parts.push(`Retry after ${error.details.retryAfterSeconds} s.`);
  parts.push(error.code === 'ces_not_found' ? notFoundHint(error.details.operation) : CES_ERROR_HINTS[error.code]);
  return parts.join(' ');
}
