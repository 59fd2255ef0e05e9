// Four eyes (policy rule option `fourEyes: true`): whoever requested a change cannot also approve
// it. The requester of a set is its owner as CES records it; the approver is the caller's own
// mainframe user, which the server knows only with per-user CES identities (src/auth/identity.ts).
// Under the shared service identity CES records every change under one user, so the server cannot
// tell requester and approver apart and refuses rather than guess (docs/security.md).
import type { ContainerFacts } from './preview.js';

export interface FourEyesInput {
  /** The policy operation (only `set_approve` is an approval). */
  operation: string;
  /** The CES identity label of the call: `service`, `user:<name>`… */
  cesIdentity: string;
  /** The approver the call names (ispw_set_action `approver`). */
  approver: string | undefined;
  /** The set as read from CES just now. */
  container: ContainerFacts | undefined;
}

/** The one operation four eyes governs: approving a set. */
export const isApproval = (operation: string): boolean => operation === 'set_approve';

const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/** Why the approval is refused, or undefined when another person approves. */
export function fourEyesRefusal(input: FourEyesInput): string | undefined {
  if (!isApproval(input.operation)) return undefined;
  const user = input.cesIdentity.startsWith('user:') ? input.cesIdentity.slice('user:'.length) : undefined;
  if (user === undefined) {
    return 'four-eyes approval needs per-user CES identities (ISPW_MCP_IDENTITY_MODE=per-user): under a shared identity CES records every change under one user, so the requester cannot be told apart from the approver.';
  }
  if (input.approver !== undefined && !same(input.approver, user)) {
    return `the approver must be you (${user}), not ${input.approver}: an approval is recorded in the name of the person who gives it.`;
  }
  const set = input.container;
  if (set?.owner === undefined) return `CES did not say who requested set ${set?.container.id ?? '?'}, so four-eyes approval cannot be checked.`;
  if (same(set.owner, user)) return `you requested set ${set.container.id} (its owner is ${set.owner}); another person must approve it.`;
  return undefined;
}
