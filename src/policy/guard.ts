// The access-control steps of a tool call, in order: authorise (scope) → rate limit → CES identity
// → policy (freeze, ticket, rules) → confirmation. The call wrapper (src/mcp/call.ts) runs this
// before the tool and feeds the outcome to audit; nothing here reaches CES except the reads a
// policy or a confirmation preview needs, made under the caller's own CES identity.
import type { CesTarget } from '../ces/api.js';
import { CesError } from '../ces/errors.js';
import { actingAs, IdentityError, type IdentityResolver } from '../auth/identity.js';
import type { Principal } from '../auth/principal.js';
import { scopeForCall } from '../auth/scopes.js';
import { changeSubject } from '../mcp/kit/access.js';
import type { AnyToolDef } from '../mcp/kit/define-tool.js';
import type { GuardOutcome, HumanChannel } from '../mcp/kit/guard.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { ConfirmationIssuer } from './confirmations.js';
import { confirmStep } from './confirm-step.js';
import { fourEyesRefusal, isApproval } from './four-eyes.js';
import type { HumanConfirmations } from './human-confirmation.js';
import { describePreview } from './preview-text.js';
import { evaluate, needsContainerFacts, type Decision } from './evaluate.js';
import { callFacts } from './facts.js';
import { LimitError, type CesConcurrency, type RateLimiter } from './limits.js';
import { readable, readContainerFacts, type ContainerFacts } from './preview.js';
import type { PolicySource } from './source.js';

export type { AccessRecord, GuardOutcome } from '../mcp/kit/guard.js';

export interface AccessControl {
  identities: IdentityResolver;
  policy: PolicySource;
  confirmations: ConfirmationIssuer;
  /** Confirmation by a person (elicitation, input-required rounds). */
  humans: HumanConfirmations;
  /** The configuration profile (prod: production changes need a person; evaluate.ts confirmKind). */
  profile?: string | undefined;
  rateLimiter: RateLimiter;
  concurrency: CesConcurrency;
  /** Counts each decision (telemetry/metrics.ts); undefined: nothing serves /metrics. */
  metrics?: Metrics | undefined;
}

/** Arguments the server adds to tools and consumes itself; tools never see them. */
export const CONTROL_ARGS = ['confirmation_token', 'ticket'] as const;
const CONTROL_NAMES: ReadonlySet<string> = new Set(CONTROL_ARGS);

export interface GuardInput {
  tool: AnyToolDef;
  /** Validated arguments, srid and control arguments included. */
  args: Record<string, unknown>;
  principal: Principal;
  target: CesTarget;
  signal: AbortSignal;
  /** How a person can be asked during this call (src/mcp/call.ts; worked out only when needed). */
  human: () => HumanChannel;
}

export async function guardCall(access: AccessControl, input: GuardInput): Promise<GuardOutcome> {
  const outcome = await decide(access, input);
  if (access.metrics) countOutcome(access.metrics, input.tool.name, outcome);
  return outcome;
}

/**
 * Each refusal is counted once, in the counter that names its cause: scope and CES identity are
 * auth failures, the caller's rate limit a rate-limited call, a refused confirmation token a
 * confirmation refusal, everything else (freeze, ticket, rules, default, unreadable facts) a policy
 * denial. Labels: the tool name, the rule name from the operator's policy file, fixed enums.
 */
function countOutcome(metrics: Metrics, tool: string, outcome: GuardOutcome): void {
  const { rule } = outcome.record.decision;
  const confirmation = outcome.record.confirmation;
  // A 2025-era question is asked and answered within one call: count the asking with its answer.
  if (confirmation?.kind === 'human_elicitation') metrics.confirmation(tool, 'asked');
  if (outcome.kind === 'confirm') return metrics.confirmation(tool, 'issued');
  if (outcome.kind === 'ask') return metrics.confirmation(tool, 'asked');
  if (outcome.kind === 'declined') return metrics.confirmation(tool, 'declined', confirmation?.answer ?? '');
  if (outcome.kind === 'proceed') {
    if (outcome.record.confirmed) metrics.confirmation(tool, 'redeemed', confirmation?.kind ?? 'token');
    return;
  }
  if (rule === 'scope') return metrics.authFailure('insufficient_scope');
  if (rule === 'identity') return metrics.authFailure('no_ces_identity');
  if (rule === 'rate-limit') return metrics.rateLimit('server');
  if (rule.startsWith('confirmation:')) return metrics.confirmation(tool, 'refused', rule.slice('confirmation:'.length));
  metrics.policyDenial(tool, rule);
}

async function decide(access: AccessControl, input: GuardInput): Promise<GuardOutcome> {
  const { tool, args, principal } = input;
  const refuse = (decision: Decision, text: string, cesIdentity?: string): GuardOutcome => ({
    kind: 'refuse',
    text: `${tool.name}: ${text}`,
    record: { decision, cesIdentity },
  });

  const scope = scopeForCall(tool, args);
  if (!principal.scopes.has(scope)) {
    return refuse({ effect: 'deny', rule: 'scope', reason: `needs ${scope}` }, `this call needs the ${scope} scope, which your access token does not grant.`);
  }
  try {
    // Per authenticated caller: the local principal (stdio, loopback demo) is one user on their own
    // machine, and sharing one bucket among unauthenticated loopback clients would only throttle tests.
    if (principal.via !== 'local') access.rateLimiter.take(principal.subject);
  } catch (error) {
    if (error instanceof LimitError) return refuse({ effect: 'deny', rule: 'rate-limit', reason: error.message }, error.message);
    throw error;
  }
  let identity;
  try {
    identity = access.identities.resolve(principal, input.target.instance, tool.kind);
  } catch (error) {
    if (error instanceof IdentityError) return refuse({ effect: 'deny', rule: 'identity', reason: 'no CES identity' }, error.message);
    throw error;
  }
  const ces = access.concurrency.limit(actingAs(input.target, identity));
  const cesIdentity = identity.label;
  const { confirmation_token: token, ...bound } = args;
  const toolInput = Object.fromEntries(Object.entries(bound).filter(([k]) => k !== 'srid' && !CONTROL_NAMES.has(k)));

  const policy = access.policy.current();
  const subject = changeSubject(tool, args);
  const facts = callFacts(tool, args, subject);
  let container: ContainerFacts | undefined;
  const readContainer = async () => {
    if (!readable(subject) || container) return container;
    container = await readContainerFacts(ces, subject, input.signal);
    facts.stream ??= container.stream;
    facts.application ??= container.application;
    return container;
  };

  if (readable(subject) && needsContainerFacts(policy)) {
    try {
      await readContainer();
    } catch (error) {
      if (!(error instanceof CesError)) throw error;
      const what = subject.container ? `${subject.container.type} ${subject.container.id}` : `deployment request ${subject.deploymentRequest}`;
      return refuse(
        { effect: 'deny', rule: 'policy-facts', reason: error.code },
        `the policy needs the stream and application of ${what}, which could not be read from CES: ${error.message}`,
        cesIdentity,
      );
    }
  }
  const decision = evaluate(policy, facts, Date.now(), { profile: access.profile });
  if (decision.effect === 'deny') {
    return refuse(decision, `denied by policy ${decision.rule}: ${decision.reason ?? 'no reason given'}.`, cesIdentity);
  }
  // Only an approval is checked, so only an approval pays for reading the set.
  if (decision.fourEyes && isApproval(facts.operation)) {
    let touched: ContainerFacts | undefined;
    try {
      touched = await readContainer();
    } catch (error) {
      if (!(error instanceof CesError)) throw error;
      return refuse({ ...decision, effect: 'deny', rule: 'four-eyes' }, `four-eyes approval cannot be checked: ${error.message}`, cesIdentity);
    }
    const why = fourEyesRefusal({
      operation: facts.operation,
      cesIdentity,
      approver: typeof args.approver === 'string' ? args.approver : undefined,
      container: touched,
    });
    if (why) return refuse({ effect: 'deny', rule: 'four-eyes', reason: decision.rule }, `refused (four eyes, policy ${decision.rule}): ${why}`, cesIdentity);
  }
  if (decision.effect === 'allow') return { kind: 'proceed', ces, input: toolInput, record: { decision, cesIdentity } };

  // confirm
  let touched: ContainerFacts | undefined;
  try {
    touched = await readContainer();
  } catch (error) {
    if (!(error instanceof CesError)) throw error;
    return refuse({ ...decision, effect: 'deny' }, `cannot prepare the confirmation preview: ${error.message}`, cesIdentity);
  }
  const binding = { subject: principal.subject, tool: tool.name, args: bound, state: touched?.state, rule: decision.rule };
  const { preview, lines } = describePreview({ tool, facts, subject, target: input.target, cesIdentity, decision, touched, toolInput });
  return confirmStep(
    access,
    {
      toolName: tool.name,
      decision,
      ces,
      cesIdentity,
      binding,
      toolInput,
      token: typeof token === 'string' && token !== '' ? token : undefined,
      human: input.human(),
      preview,
      previewLines: lines,
      reread: async () => (readable(subject) ? await readContainerFacts(ces, subject, input.signal) : undefined),
    },
    refuse,
  );
}
