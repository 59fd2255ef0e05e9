// The seam between the call wrapper (src/mcp/call.ts, src/mcp/server.ts) and access control. The
// kit declares what it needs; src/policy implements it and the composition root (src/app/) hands
// the implementation to the server factory, so the server never imports auth/ or policy/ and
// access control depends only on the tool definition's types.
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { z } from 'zod';

import type { CesTarget } from '../../ces/api.js';
import type { AnyToolDef } from './define-tool.js';

/** Who is calling, as audit records it. */
export interface Caller {
  /** Stable subject (token `sub`, certificate subject, or `local`). */
  readonly subject: string;
  readonly via: 'oauth' | 'mtls' | 'local';
}

/** An access decision: allow, deny, or ask for confirmation, and what decided it. */
export interface AccessDecision {
  effect: 'allow' | 'deny' | 'confirm';
  /** What decided: `scope`, `rate-limit`, `identity`, `freeze:<name>`, `ticket`, `rule:<name>`, `default`… */
  rule: string;
  reason?: string | undefined;
}

/** What audit records about the access decision of a call. */
export interface AccessRecord {
  decision: AccessDecision;
  /** CES identity the call acts under (`service`, `user:<name>`); never a token. */
  cesIdentity?: string | undefined;
  confirmed?: boolean;
  /** Id of the confirmation token issued or redeemed. */
  confirmationId?: string | undefined;
}

export interface GuardInput {
  tool: AnyToolDef;
  /** Validated arguments, srid and control arguments included. */
  args: Record<string, unknown>;
  authInfo: AuthInfo | undefined;
  target: CesTarget;
  signal: AbortSignal;
}

export type GuardOutcome =
  /** Go ahead: on `ces` (the caller's CES identity, limited), with `input` (control arguments removed). */
  | { kind: 'proceed'; ces: CesTarget; input: Record<string, unknown>; record: AccessRecord }
  | { kind: 'refuse'; text: string; record: AccessRecord }
  /** Nothing was done: a confirmation request (a normal result the caller repeats with the token). */
  | { kind: 'confirm'; text: string; structured: Record<string, unknown>; record: AccessRecord };

/** Access control as the server uses it. */
export interface CallGuard {
  callerOf(authInfo: AuthInfo | undefined): Caller;
  /** The scopes a request's credentials grant (the local caller has every scope). */
  scopesOf(authInfo: AuthInfo | undefined): ReadonlySet<string>;
  /** Scope, rate limit, CES identity, policy and confirmation for one call. */
  check(input: GuardInput): Promise<GuardOutcome>;
  /** Arguments the guard adds to a tool (confirmation_token, ticket) and the output schema it advertises then. */
  controls(tool: AnyToolDef): { input: Record<string, z.ZodType>; output: z.ZodObject } | undefined;
}
