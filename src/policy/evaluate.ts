// Evaluates the lifecycle policy for one call. Order: freeze windows (deny), the ticket rule for
// emergency changes (deny), then the first matching rule, then the policy's default. Pure: the facts
// (level, stream, application…) and the time are inputs, so `policy explain` and tests use it as is.
import type { ToolKind } from '../mcp/kit/define-tool.js';
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

export interface Decision {
  effect: Effect;
  /** What decided: `freeze:<name>`, `ticket`, `rule:<name>` or `default`. */
  rule: string;
  reason?: string | undefined;
}

/** The policy operation of a call: the tool name without `ispw_`; set actions as `set_<action>`. */
export function operationOf(tool: string, args: Record<string, unknown>): string {
  if (tool === 'ispw_set_action' && typeof args.action === 'string') return `set_${args.action}`;
  let operation = operations.get(tool);
  if (operation === undefined) operations.set(tool, (operation = tool.replace(/^ispw_/, '')));
  return operation;
}
// Per tool name (a registered tool, or one named in `policy explain`), computed once.
const operations = new Map<string, string>();

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

export function activeFreeze(freeze: FreezeWindow, now: number): boolean {
  return zonedToInstant(freeze.start, freeze.timeZone) <= now && now < zonedToInstant(freeze.end, freeze.timeZone);
}

/** Whether evaluating needs the container's stream/application from CES. */
export function needsContainerFacts(policy: Policy): boolean {
  return [...policy.rules.map((r) => r.match), ...policy.freezes.map((f) => f.match)].some(
    (m) => m.streams !== undefined || m.applications !== undefined,
  );
}

export function evaluate(policy: Policy, facts: CallFacts, now: number = Date.now()): Decision {
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
      const ok = facts.ticket !== undefined && new RegExp(`^(?:${ticket.pattern})$`).test(facts.ticket);
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
