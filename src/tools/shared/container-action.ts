// Cancel and close of assignments and releases: a POST without a set (docs/ces-api.md §2.1, §2.2,
// §4.1), body only the runtime configuration.
import type { AssignmentCreated, ReleaseCreated } from '../../ces/dto/index.js';
import { clean } from './fields.js';

export function containerActionResult(verb: 'Cancelled' | 'Closed', noun: 'assignment' | 'release', id: string, reply: AssignmentCreated | ReleaseCreated) {
  const message = clean(reply.message);
  return {
    text: `${verb} ${noun} ${id}.${message ? ` CES said: ${message}` : ''}`,
    message,
  };
}
