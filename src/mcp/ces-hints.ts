// What a caller can do about each CES failure: the hint appended to a CES error's text in a tool
// result. One entry per CesError code, so a new code without a hint is a type error.
import type { CesError } from '../ces/errors.js';

export const CES_ERROR_HINTS: Record<CesError['code'], string> = {
  ces_input: 'Correct the arguments and call again.',
  ces_auth: 'The CES token was rejected or is missing: the operator must check the configured token (ISPW_MCP_CES_TOKEN_FILE) and its host connection.',
  ces_not_found: 'Check the id (list tools such as ispw_list_assignments show valid ids) and the srid.',
  ces_conflict: 'Another operation is running on these tasks; wait for it (ispw_get_set) and try again.',
  ces_rejected: 'CES refused the request; its message above says why.',
  ces_rate_limited: 'CES is rate limiting; wait and try again.',
  ces_server: 'CES failed internally; try again later or ask the CES administrator.',
  ces_timeout: 'CES did not answer in time. For a write, check with ispw_get_set or the list tools before retrying: it may have been done.',
  ces_unavailable: 'CES could not be reached; try again later or ask the operator to check connectivity and TLS settings.',
  ces_bad_reply: 'CES sent a reply this server could not read; ask the operator to check the CES version.',
};

/** The text of a CES error for a tool result: what happened, what CES said, when to retry, what to do. */
export function describeCesError(error: CesError): string {
  const parts = [error.message];
  if (error.details.cesMessage && !error.message.includes(error.details.cesMessage)) {
    parts.push(`CES said: ${error.details.cesMessage}`);
  }
  if (error.details.retryAfterSeconds !== undefined) parts.push(`Retry after ${error.details.retryAfterSeconds} s.`);
  parts.push(CES_ERROR_HINTS[error.code]);
  return parts.join(' ');
}
