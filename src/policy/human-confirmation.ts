// Confirmation by a person, through the client (docs/security.md, "Human confirmation"). The
// question is built from CES's current state; the answer must come from the client's user:
//   - 2025-era sessions that declared elicitation: `elicitation/create` during the call;
//   - 2026-era requests that declared it: an input-required result, answered in a retried call.
// Between the 2026 rounds nothing is kept in one replica's memory: the request state is sealed with
// the SDK's HMAC codec (createRequestStateCodec) under a key derived from the confirmation key file
// every replica shares, and binds the caller, tool, canonical arguments, rule and CES state digest.
// Single use as for tokens (confirmations.ts): each replica remembers the states it accepted until
// they expire, and the CES state the person saw must be unchanged when the answer arrives.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import { createRequestStateCodec, type RequestStateCodec } from '@modelcontextprotocol/server';

import { CONFIRMATION_ANSWER_KEY, type ConfirmationQuestion, type HumanAnswer } from '../mcp/kit/guard.js';
import { digest } from './canonical.js';
import { confirmationKeyOf, ConfirmationError, spentIds, type ConfirmationBinding } from './confirmations.js';

/** What the sealed request state carries: digests and ids only (it is signed, not encrypted). */
interface SealedState {
  v: 1;
  id: string;
  /** Digest of the caller's subject (the raw subject never leaves the server). */
  sub: string;
  tool: string;
  args: string;
  state: string | null;
  rule: string;
  askedAt: string;
}

export interface HumanConfirmationOptions {
  /** The shared confirmation key (file source); undefined: a per-process key (one replica only). */
  key?: (() => string | undefined) | undefined;
  ttlSeconds: number;
  /** How long to wait for a person's answer to an elicitation (default: ttlSeconds). */
  answerSeconds?: number;
  now?: () => number;
}

export interface HumanConfirmations {
  /** Seals the state of a question asked now; returns it with its id and time. */
  seal(binding: ConfirmationBinding): Promise<{ requestState: string; id: string; askedAt: string }>;
  /**
   * Opens an echoed request state and checks it against the retried call (same caller, tool and
   * arguments; not used before on this replica). Throws ConfirmationError. The CES state is
   * compared by the caller after the answer (`stateShown`).
   */
  open(requestState: string, binding: ConfirmationBinding): Promise<{ id: string; askedAt: string; stateShown: string | null }>;
  /** Marks an opened state as used (accepted or declined) until it expires. */
  spend(id: string): void;
  /** How long a person has to answer, in ms. */
  readonly answerWithinMs: number;
}

// The codec signs with a key derived from the confirmation key, so a request state can never be
// mistaken for a confirmation token signed with the same file, and vice versa.
const derive = (key: string | Buffer) => createHmac('sha256', key).update('ispw-mcp:requestState:v1').digest();

export function createHumanConfirmations(options: HumanConfirmationOptions): HumanConfirmations {
  const processKey = randomBytes(32);
  const now = options.now ?? Date.now;
  const spent = spentIds(now);
  const codecs = new Map<string, RequestStateCodec<SealedState>>();

  const codec = (): RequestStateCodec<SealedState> => {
    const material = confirmationKeyOf(options.key, processKey);
    const cacheKey = typeof material === 'string' ? material : material.toString('base64');
    let c = codecs.get(cacheKey);
    if (!c) {
      codecs.clear(); // a rotated key replaces the old codec
      c = createRequestStateCodec<SealedState>({ key: derive(material), ttlSeconds: options.ttlSeconds });
      codecs.set(cacheKey, c);
    }
    return c;
  };

  return {
    answerWithinMs: (options.answerSeconds ?? options.ttlSeconds) * 1000,
    async seal(binding) {
      const id = randomUUID();
      const askedAt = new Date(now()).toISOString();
      const sealed: SealedState = {
        v: 1,
        id,
        sub: digest(binding.subject),
        tool: binding.tool,
        args: digest(binding.args),
        state: binding.state ?? null,
        rule: binding.rule,
        askedAt,
      };
      return { requestState: await codec().mint(sealed), id, askedAt };
    },
    async open(requestState, binding) {
      let sealed: SealedState;
      try {
        // The codec checks the MAC and the expiry (its `exp` claim, from ttlSeconds).
        sealed = await codec().verify(requestState, undefined as never);
      } catch (error) {
        if (error instanceof ConfirmationError) throw error;
        if (error instanceof Error && error.message === 'expired') {
          throw new ConfirmationError('expired', 'The confirmation question has expired; call again for a fresh one.');
        }
        throw new ConfirmationError('invalid', 'The confirmation state is not valid (not issued by this service, or altered).');
      }
      if (sealed?.v !== 1 || typeof sealed.id !== 'string') throw new ConfirmationError('invalid', 'The confirmation state is not valid.');
      if (sealed.sub !== digest(binding.subject)) throw new ConfirmationError('caller', 'The confirmation was asked of another caller.');
      if (sealed.tool !== binding.tool) throw new ConfirmationError('tool', `The confirmation was asked for ${sealed.tool}, not ${binding.tool}.`);
      if (sealed.args !== digest(binding.args)) {
        throw new ConfirmationError('arguments', 'The arguments differ from the ones the person confirmed; call again for a fresh question.');
      }
      // The rule that asked is part of what the person confirmed: a policy change in between asks again.
      if (sealed.rule !== binding.rule)
        throw new ConfirmationError('state', 'The policy changed since the question was asked; call again for a fresh question.');
      if (spent.has(sealed.id)) throw new ConfirmationError('replayed', 'This confirmation was already answered.');
      return { id: sealed.id, askedAt: sealed.askedAt, stateShown: sealed.state };
    },
    spend(id) {
      spent.spend(id, now() + options.ttlSeconds * 1000);
    },
  };
}

/** The answer as the server reads it: accept only with the box ticked; anything else is no. */
export function readAnswer(answer: unknown): HumanAnswer['action'] {
  const a = answer as { action?: unknown; content?: Record<string, unknown> } | undefined;
  if (a?.action === 'accept') return a.content?.[CONFIRMATION_ANSWER_KEY] === true ? 'accept' : 'decline';
  if (a?.action === 'decline' || a?.action === 'cancel') return a.action;
  return 'cancel';
}

/** The question a person is shown: the preview in words, and one yes/no field. */
export function confirmationQuestion(lines: readonly string[], tool: string): ConfirmationQuestion {
  return {
    message: lines.join('\n'),
    requestedSchema: {
      type: 'object',
      properties: {
        [CONFIRMATION_ANSWER_KEY]: {
          type: 'boolean',
          title: `Run ${tool} as shown`,
          description: 'Tick to make this change in Code Pipeline; leave it unticked or decline to change nothing.',
          default: false,
        },
      },
      required: [CONFIRMATION_ANSWER_KEY],
    },
  };
}
