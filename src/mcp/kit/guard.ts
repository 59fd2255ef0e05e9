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
  /** For `confirm`: which confirmation is enough (docs/security.md, "Human confirmation"). */
  confirm?: ConfirmKind | undefined;
  /** Why that kind: the rule named it, or the profile's default for production changes. */
  confirmWhy?: string | undefined;
  /** The deciding rule wants four eyes: the requester of a change cannot approve it. */
  fourEyes?: boolean | undefined;
}

/** `human`: only the client's user; `token`: a signed token the caller repeats; `any`: either. */
export const CONFIRM_KINDS = ['human', 'token', 'any'] as const;
export type ConfirmKind = (typeof CONFIRM_KINDS)[number];

/** How a change was confirmed, as audit (schema v2) records it. */
export interface ConfirmationRecord {
  /** human_elicitation (2025 `elicitation/create`), human_input_required (2026 rounds) or token. */
  kind: 'human_elicitation' | 'human_input_required' | 'token';
  /** The person's answer (tokens: accept when redeemed); null while asked. */
  answer: 'accept' | 'decline' | 'cancel' | 'timeout' | null;
  askedAt: string;
  answeredAt: string | null;
  /** Digest of what the preview showed (the CES state and the call), as confirmed. */
  previewDigest: string;
}

/** What audit records about the access decision of a call. */
export interface AccessRecord {
  decision: AccessDecision;
  /** CES identity the call acts under (`service`, `user:<name>`); never a token. */
  cesIdentity?: string | undefined;
  confirmed?: boolean;
  /** Id of the confirmation token (or request state) issued or redeemed. */
  confirmationId?: string | undefined;
  /** How the change was (or is being) confirmed. */
  confirmation?: ConfirmationRecord | undefined;
}

/**
 * How a person can be asked to confirm during this call (src/mcp/call.ts builds it from the
 * request): a 2025-era session that declared elicitation can be sent `elicitation/create` now; a
 * 2026-era request that declared it can be answered with an input-required round. Otherwise
 * `missing` says which client capability (or transport mode) is missing.
 */
export type HumanChannel =
  /** Sends `elicitation/create` and waits; `asked` is audited before the question goes out. */
  | { via: 'elicitation'; elicit(request: ConfirmationQuestion, timeoutMs: number, asked: AccessRecord): Promise<HumanAnswer> }
  | { via: 'input_required'; retry: InputRound | undefined }
  | { via: 'none'; missing: string };

/** The key of the person's answer: the form field, and the 2026 `inputResponses` entry. */
export const CONFIRMATION_ANSWER_KEY = 'confirm';

/** What the person is asked: a message and a one-field form (accept / decline). */
export interface ConfirmationQuestion {
  message: string;
  requestedSchema: {
    type: 'object';
    properties: Record<string, { type: 'boolean'; title: string; description: string; default: boolean }>;
    required: string[];
  };
}

/** The person's answer; `timeout` when none came in time. */
export interface HumanAnswer {
  action: 'accept' | 'decline' | 'cancel' | 'timeout';
  content?: Record<string, unknown> | undefined;
}

/** The second round of a 2026-era confirmation: the echoed request state and the client's answers. */
export interface InputRound {
  /** The raw `requestState` string (verified by access control, not by the SDK seam, so refusals are audited). */
  state: string;
  responses: Record<string, unknown> | undefined;
}

export interface GuardInput {
  tool: AnyToolDef;
  /** Validated arguments, srid and control arguments included. */
  args: Record<string, unknown>;
  authInfo: AuthInfo | undefined;
  target: CesTarget;
  signal: AbortSignal;
  /** How a person can be asked during this call (worked out only when a confirmation needs it). */
  human: () => HumanChannel;
}

export type GuardOutcome =
  /** Go ahead: on `ces` (the caller's CES identity, limited), with `input` (control arguments removed). */
  | { kind: 'proceed'; ces: CesTarget; input: Record<string, unknown>; record: AccessRecord }
  | { kind: 'refuse'; text: string; record: AccessRecord }
  /** Nothing was done: a confirmation request (a normal result the caller repeats with the token). */
  | { kind: 'confirm'; text: string; structured: Record<string, unknown>; record: AccessRecord }
  /** Nothing was done yet: ask the client's user (2026 era), the answer comes in the retried call. */
  | { kind: 'ask'; question: ConfirmationQuestion; requestState: string; record: AccessRecord }
  /** The person declined, cancelled or did not answer: nothing was changed (a normal result). */
  | { kind: 'declined'; text: string; record: AccessRecord };

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
