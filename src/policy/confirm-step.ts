// The confirmation step of the guard, for a call the policy wants confirmed. Which confirmation is
// enough is the decision's `confirm` kind (evaluate.ts): `human` only an answer from the client's
// user, `token` the signed token the caller repeats the call with, `any` a person when the client
// can ask and a token otherwise. The preview comes from CES's current state; whatever the person or
// token confirmed is checked against CES again before anything is changed.
import type { CesTarget } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import { CONFIRMATION_ANSWER_KEY, type AccessRecord, type ConfirmationRecord, type GuardOutcome, type HumanChannel } from '../mcp/kit/guard.js';
import { digest } from './canonical.js';
import { ConfirmationError, type ConfirmationBinding, type ConfirmationIssuer } from './confirmations.js';
import type { Decision } from './evaluate.js';
import { confirmationQuestion, readAnswer, type HumanConfirmations } from './human-confirmation.js';
import type { ContainerFacts } from './preview.js';

export interface ConfirmStepInput {
  toolName: string;
  decision: Decision;
  ces: CesTarget;
  cesIdentity: string;
  /** The binding of token and request state: caller, tool, arguments (without the token), CES state. */
  binding: ConfirmationBinding;
  /** The tool's own arguments (control arguments removed). */
  toolInput: Record<string, unknown>;
  /** confirmation_token, when the caller sent one. */
  token: string | undefined;
  human: HumanChannel;
  /** The preview: structured (token results) and in words (tokens and people). */
  preview: Record<string, unknown>;
  previewLines: string[];
  /** Reads what the change acts on from CES again (the state digest after a person answered). */
  reread: () => Promise<ContainerFacts | undefined>;
}

export interface ConfirmDeps {
  confirmations: ConfirmationIssuer;
  humans: HumanConfirmations;
  now?: () => number;
}

type Refuse = (decision: Decision, text: string, cesIdentity?: string) => GuardOutcome;

const previewDigest = (binding: ConfirmationBinding) => digest({ tool: binding.tool, args: binding.args, state: binding.state ?? null, rule: binding.rule });

export async function confirmStep(deps: ConfirmDeps, input: ConfirmStepInput, refuse: Refuse): Promise<GuardOutcome> {
  const { decision, cesIdentity, binding, human } = input;
  const kind = decision.confirm ?? 'any';
  const now = () => new Date((deps.now ?? Date.now)()).toISOString();
  const proceed = (record: Omit<AccessRecord, 'decision' | 'cesIdentity'>): GuardOutcome => ({
    kind: 'proceed',
    ces: input.ces,
    input: input.toolInput,
    record: { decision, cesIdentity, confirmed: true, ...record },
  });
  const refusal = (failure: string, text: string) =>
    refuse({ effect: 'deny', rule: `confirmation:${failure}`, reason: decision.rule }, `confirmation refused: ${text}`, cesIdentity);

  if (input.token !== undefined) {
    if (kind === 'human') {
      return refusal(
        'human_required',
        `${decision.confirmWhy ?? 'the policy'}: a person must confirm this change in the client; a confirmation token is not enough.`,
      );
    }
    try {
      const redeemed = await deps.confirmations.redeem(input.token, binding);
      const record: ConfirmationRecord = {
        kind: 'token',
        answer: 'accept',
        askedAt: redeemed.issuedAt,
        answeredAt: now(),
        previewDigest: previewDigest(binding),
      };
      return proceed({ confirmationId: redeemed.id, confirmation: record });
    } catch (error) {
      if (error instanceof ConfirmationError) return refusal(error.failure, error.message);
      throw error;
    }
  }

  // The second round of a 2026-era confirmation: the person's answer and the sealed question.
  if (human.via === 'input_required' && human.retry) {
    let opened;
    try {
      opened = await deps.humans.open(human.retry.state, binding);
    } catch (error) {
      if (error instanceof ConfirmationError) return refusal(error.failure, error.message);
      throw error;
    }
    deps.humans.spend(opened.id);
    const answer = readAnswer(human.retry.responses?.[CONFIRMATION_ANSWER_KEY]);
    const record: ConfirmationRecord = {
      kind: 'human_input_required',
      answer,
      askedAt: opened.askedAt,
      answeredAt: now(),
      previewDigest: previewDigest({ ...binding, state: opened.stateShown ?? undefined }),
    };
    if (answer !== 'accept') return declined(input, decision, cesIdentity, opened.id, record);
    if ((opened.stateShown ?? undefined) !== binding.state) return refusal('state', STATE_MOVED);
    return proceed({ confirmationId: opened.id, confirmation: record });
  }

  if (kind !== 'token' && human.via === 'elicitation') {
    const askedAt = now();
    const shown = previewDigest(binding);
    const id = `elicitation:${digest({ askedAt, binding: shown }).slice(0, 16)}`;
    const asked: ConfirmationRecord = { kind: 'human_elicitation', answer: null, askedAt, answeredAt: null, previewDigest: shown };
    const answer = await human.elicit(confirmationQuestion(input.previewLines, input.toolName), deps.humans.answerWithinMs, {
      decision,
      cesIdentity,
      confirmationId: id,
      confirmation: asked,
    });
    const action = answer.action === 'timeout' ? 'timeout' : readAnswer(answer);
    const record: ConfirmationRecord = { ...asked, answer: action, answeredAt: now() };
    if (action !== 'accept') return declined(input, decision, cesIdentity, id, record);
    // The person saw CES's state at the time of asking: it must not have moved while they read.
    let after;
    try {
      after = await input.reread();
    } catch (error) {
      if (!(error instanceof CesError)) throw error;
      return refusal('state', `the state in CES could not be read again after the answer: ${error.message}`);
    }
    if (after?.state !== binding.state) return refusal('state', STATE_MOVED);
    return proceed({ confirmationId: id, confirmation: record });
  }

  if (kind !== 'token' && human.via === 'input_required') {
    const sealed = await deps.humans.seal(binding);
    const record: ConfirmationRecord = {
      kind: 'human_input_required',
      answer: null,
      askedAt: sealed.askedAt,
      answeredAt: null,
      previewDigest: previewDigest(binding),
    };
    return {
      kind: 'ask',
      question: confirmationQuestion(input.previewLines, input.toolName),
      requestState: sealed.requestState,
      record: { decision, cesIdentity, confirmationId: sealed.id, confirmation: record },
    };
  }

  if (kind === 'human') {
    const missing = human.via === 'none' ? human.missing : 'the client cannot be asked';
    return refusal(
      'human_unavailable',
      `${decision.confirmWhy ?? 'the policy'}: a person must confirm this change in the client, and this client cannot be asked (${missing}). Nothing was sent to CES. Use a client that supports MCP elicitation (form mode).`,
    );
  }

  const issued = await deps.confirmations.issue(binding);
  const lines = [
    ...input.previewLines,
    `Nothing was changed in CES. To go ahead, call ${input.toolName} again with the same arguments plus confirmation_token (valid until ${issued.expiresAt}, once).`,
  ];
  return {
    kind: 'confirm',
    text: lines.join('\n'),
    structured: { confirmation_required: true, confirmation_token: issued.token, expires_at: issued.expiresAt, preview: input.preview },
    record: { decision, cesIdentity, confirmationId: issued.id },
  };
}

const STATE_MOVED =
  'What the person was shown has changed in CES since (or the operation was already carried out); nothing was changed. Call again for a fresh question.';

function declined(input: ConfirmStepInput, decision: Decision, cesIdentity: string, id: string, record: ConfirmationRecord): GuardOutcome {
  const how = record.answer === 'timeout' ? 'no answer came in time' : record.answer === 'cancel' ? 'the question was dismissed' : 'the person declined';
  return {
    kind: 'declined',
    text: `${input.toolName}: not run — ${how}. Nothing was changed in CES. Call again if the change is still wanted.`,
    record: { decision, cesIdentity, confirmationId: id, confirmation: record },
  };
}
