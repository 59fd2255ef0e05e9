// Evaluates the lifecycle policy for one call. Order: freeze windows (deny), the ticket rule for
// emergency changes (deny), then the first matching rule, then the policy's default. Pure: the facts
// (level, stream, application…) and the time are inputs, so `policy explain` and tests use it as is.
import type { ToolKind } from '../mcp/kit/define-tool.js';
import type { AccessDecision } from '../mcp/kit/guard.js';
import type { FreezeWindow, Policy, PolicyMatch } from './schema.js';
import { zonedToInstant } from './time.js';

export interface CallFacts {
  tool: string;
  kind: ToolKind;
  /** `promote`, `deploy`, `set_approve`, `create_assignment`… */
  operation: string;
  level?: string | undefined;
  stream?: string | undefined;
  application?: string | undefined;
  changeType?: string | undefined;
  ticket?: string | undefined;
}

export type Effect = 'allow' | 'deny' | 'confirm';

/** What decided: `freeze:<name>`, `ticket`, `rule:<name>` or `default` (and, in the guard, `scope`…). */
export type Decision = AccessDecision;

function matchesPattern(value: string | undefined, patterns: readonly string[] | undefined): boolean {
  if (patterns === undefined) return true;
  if (value === undefined) return false;
  const v = value.toUpperCase();
  return patterns.some((p) => {
    const q = p.toUpperCase();
    return q === '*' || (q.endsWith('*') ? v.startsWith(q.slice(0, -1)) : v === q);
  });
}

export function matches(match: PolicyMatch, facts: CallFacts): boolean {
  return (
    matchesPattern(facts.operation, match.operations) &&
    (match.kinds === undefined || match.kinds.includes(facts.kind)) &&
    matchesPattern(facts.level, match.levels) &&
    matchesPattern(facts.stream, match.streams) &&
    matchesPattern(facts.application, match.applications) &&
    (match.changeTypes === undefined || (facts.changeType !== undefined && match.changeTypes.includes(facts.changeType as 'S')))
  );
}

// A policy is parsed once and then only read (src/policy/source.ts swaps in a new object on
// reload), so what is derived from it is computed once per object rather than per write call:
// the freeze instants (each an Intl round trip), the ticket RegExp, whether CES facts are needed.
// Each entry also keeps the inputs it was computed from and is recomputed if they differ, so a
// policy object edited in place (tests, library use) is never judged by stale values.
const freezeInstants = new WeakMap<FreezeWindow, { start: string; end: string; timeZone: string; from: number; to: number }>();
type TicketRule = NonNullable<Policy['ticket']>;
const ticketPatterns = new WeakMap<TicketRule, { pattern: string; re: RegExp }>();
const containerFacts = new WeakMap<Policy, { rules: Policy['rules']; freezes: Policy['freezes']; needed: boolean }>();

export function activeFreeze(freeze: FreezeWindow, now: number): boolean {
  let w = freezeInstants.get(freeze);
  if (w === undefined || w.start !== freeze.start || w.end !== freeze.end || w.timeZone !== freeze.timeZone) {
    const { start, end, timeZone } = freeze;
    w = { start, end, timeZone, from: zonedToInstant(start, timeZone), to: zonedToInstant(end, timeZone) };
    freezeInstants.set(freeze, w);
  }
  return w.from <= now && now < w.to;
}

/** The ticket rule's pattern, compiled once per rule object (and again when its pattern changes). */
export function ticketRegExp(ticket: TicketRule): RegExp {
  let t = ticketPatterns.get(ticket);
  if (t === undefined || t.pattern !== ticket.pattern) {
    t = { pattern: ticket.pattern, re: new RegExp(`^(?:${ticket.pattern})$`) };
    ticketPatterns.set(ticket, t);
  }
  return t.re;
}

const needsFacts = (m: PolicyMatch) => m.streams !== undefined || m.applications !== undefined;

/** Whether evaluating needs the container's stream/application from CES. */
export function needsContainerFacts(policy: Policy): boolean {
  const c = containerFacts.get(policy);
  if (c !== undefined && c.rules === policy.rules && c.freezes === policy.freezes) return c.needed;
  const needed = policy.rules.some((r) => needsFacts(r.match)) || policy.freezes.some((f) => needsFacts(f.match));
  containerFacts.set(policy, { rules: policy.rules, freezes: policy.freezes, needed });
  return needed;
}

/**
 * Operations that rest on third-party evidence only (docs/ces-api.md errata E9; docs/ces-fidelity.md
 * item 10): allowed only by a rule that names the operation itself — not by the default, a wildcard,
 * or a rule about other operations — so no site runs them without deciding to.
 */
export const EXPLICIT_ONLY_OPERATIONS: ReadonlySet<string> = new Set(['fallback_set']);

const namesOperation = (rule: Policy['rules'][number], operation: string) =>
  (rule.match.operations ?? []).some((p) => p.toLowerCase() === operation.toLowerCase());

/** The rule a decision names, if it came from one. */
const ruleOf = (policy: Policy, decision: Decision) =>
  decision.rule.startsWith('rule:') ? policy.rules.find((r) => `rule:${r.name}` === decision.rule) : undefined;

/** What evaluation depends on besides the policy and the call: the configuration profile. */
export interface EvaluateContext {
  /** dev, stage or prod (src/config/profiles.ts); prod makes production changes need a person. */
  profile?: string | undefined;
}

/** Changes that reach production wherever they run: under the prod profile they need a person. */
const PRODUCTION_OPERATIONS: ReadonlySet<string> = new Set(['deploy', 'fallback', 'fallback_set', 'regress']);

/**
 * Which confirmation a `confirm` decision needs: the rule's `confirm` when it names one; under the
 * prod profile `human` for production levels (policy `productionLevels`) and for deploy, fallback
 * and regress; `any` otherwise (a person when the client can ask, else a token).
 */
export function confirmKind(
  policy: Policy,
  rule: Policy['rules'][number] | undefined,
  facts: CallFacts,
  context: EvaluateContext = {},
): Pick<Decision, 'confirm' | 'confirmWhy'> {
  if (rule?.confirm) return { confirm: rule.confirm, confirmWhy: `rule ${rule.name} says confirm: ${rule.confirm}` };
  if (context.profile === 'prod') {
    if (PRODUCTION_OPERATIONS.has(facts.operation)) return { confirm: 'human', confirmWhy: `prod profile: ${facts.operation} needs a person` };
    if (matchesPattern(facts.level, policy.productionLevels))
      return { confirm: 'human', confirmWhy: `prod profile: level ${facts.level} is a production level (policy productionLevels)` };
  }
  return { confirm: 'any', confirmWhy: 'default: a person when the client can ask, otherwise a confirmation token' };
}

export function evaluate(policy: Policy, facts: CallFacts, now: number = Date.now(), context: EvaluateContext = {}): Decision {
  const decision = withConfirmKind(policy, facts, evaluateRules(policy, facts, now), context);
  if (decision.effect === 'deny' || !EXPLICIT_ONLY_OPERATIONS.has(facts.operation)) return decision;
  const rule = ruleOf(policy, decision);
  if (rule && namesOperation(rule, facts.operation)) return decision;
  return {
    effect: 'deny',
    rule: 'unverified-operation',
    reason: `${facts.operation} rests on third-party evidence of the CES API only; allow it with a policy rule that names operation ${facts.operation}`,
  };
}

function withConfirmKind(policy: Policy, facts: CallFacts, decision: Decision, context: EvaluateContext): Decision {
  if (decision.effect === 'deny') return decision;
  const rule = ruleOf(policy, decision);
  const fourEyes = rule?.fourEyes === true ? { fourEyes: true } : {};
  if (decision.effect !== 'confirm') return { ...decision, ...fourEyes };
  return { ...decision, ...confirmKind(policy, rule, facts, context), ...fourEyes };
}

function evaluateRules(policy: Policy, facts: CallFacts, now: number): Decision {
  // Reads change nothing: freezes, tickets and confirmations are about changes.
  const changes = facts.kind !== 'read';
  if (changes) {
    for (const freeze of policy.freezes) {
      if (activeFreeze(freeze, now) && matches(freeze.match, facts)) {
        return {
          effect: 'deny',
          rule: `freeze:${freeze.name}`,
          reason: freeze.reason ?? `change freeze "${freeze.name}" from ${freeze.start} to ${freeze.end} (${freeze.timeZone})`,
        };
      }
    }
    const ticket = policy.ticket;
    if (ticket && facts.changeType !== undefined && ticket.changeTypes.includes(facts.changeType as 'E')) {
      const ok = facts.ticket !== undefined && ticketRegExp(ticket).test(facts.ticket);
      if (!ok) {
        return {
          effect: 'deny',
          rule: 'ticket',
          reason:
            ticket.hint ??
            `change type ${facts.changeType} needs a ticket argument matching ${ticket.pattern}${facts.ticket === undefined ? '' : ` (got "${facts.ticket.slice(0, 40)}")`}`,
        };
      }
    }
  }
  for (const rule of policy.rules) {
    if (!matches(rule.match, facts)) continue;
    const effect = rule.decision === 'confirm' && !changes ? 'allow' : rule.decision;
    return { effect, rule: `rule:${rule.name}`, reason: rule.reason };
  }
  const effect = policy.default === 'confirm' && !changes ? 'allow' : policy.default;
  return { effect, rule: 'default', reason: effect === 'deny' ? 'no policy rule allows this operation' : undefined };
}
