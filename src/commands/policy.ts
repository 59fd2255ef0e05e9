// `ispw-mcp policy check <file>` validates a policy file; `ispw-mcp policy explain` shows what a call
// would get under it (scope, freeze windows, ticket rule, the matching rule, which confirmation is
// enough, four eyes). Explain takes the container's stream/application as options instead of
// reading CES, so it runs anywhere.
import { scopeForCall } from '../auth/scopes.js';
import { changeSubject } from '../mcp/kit/access.js';
import { evaluate } from '../policy/evaluate.js';
import { callFacts } from '../policy/facts.js';
import { PolicyError, readPolicyFile } from '../policy/source.js';
import { ALL_TOOLS } from '../tools/index.js';

const CONFIRM_MEANING = {
  human: 'a person answers in the client; a client that cannot ask is refused',
  token: 'the caller repeats the call with a signed confirmation token',
  any: 'a person when the client can ask, otherwise a confirmation token',
} as const;

export interface PolicyCommandIo {
  print(text: string): void;
}

/** Returns the exit code: 0 valid, 1 invalid. */
export function policyCheck(file: string, io: PolicyCommandIo): number {
  try {
    const policy = readPolicyFile(file);
    io.print(
      `${file}: valid — ${policy.rules.length} rule(s), ${policy.freezes.length} freeze window(s), ticket rule ${policy.ticket ? 'on' : 'off'}, default ${policy.default}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.print(`${file}: invalid`);
    for (const problem of error.problems) io.print(`  - ${problem}`);
    return 1;
  }
}

export interface ExplainInput {
  policy: string;
  tool: string;
  /** Tool arguments as JSON (level, change_type, ticket, action…). */
  args?: string;
  stream?: string;
  application?: string;
  /** ISO 8601 instant to evaluate at (default: now). */
  at?: string;
  /** The configuration profile (dev, stage, prod): prod makes production changes need a person. */
  profile?: string;
}

/** Prints the decision; returns the exit code: 0 allow, 3 confirm, 4 deny, 1 bad input. */
export function policyExplain(input: ExplainInput, io: PolicyCommandIo): number {
  const tool = ALL_TOOLS.find((t) => t.name === input.tool);
  if (!tool) {
    io.print(`unknown tool "${input.tool}"; tools: ${ALL_TOOLS.map((t) => t.name).join(', ')}`);
    return 1;
  }
  let args: Record<string, unknown> = {};
  try {
    args = input.args ? (JSON.parse(input.args) as Record<string, unknown>) : {};
    if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new Error('not an object');
  } catch (error) {
    io.print(`--args must be a JSON object: ${(error as Error).message}`);
    return 1;
  }
  const at = input.at ? Date.parse(input.at) : Date.now();
  if (Number.isNaN(at)) {
    io.print(`--at must be an ISO 8601 time, e.g. 2026-12-24T10:00:00+01:00`);
    return 1;
  }
  let policy;
  try {
    policy = readPolicyFile(input.policy);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.print(error.message);
    return 1;
  }
  // The same facts the guard builds; the change subject only from arguments the tool accepts
  // (explain also takes partial arguments, e.g. only a level). Stream and application, which the
  // guard reads from CES, come from the options.
  const parsed = tool.input.safeParse(args);
  const facts = callFacts(tool, args, parsed.success ? changeSubject(tool, parsed.data) : undefined);
  facts.stream = input.stream ?? facts.stream;
  facts.application = input.application ?? facts.application;
  const decision = evaluate(policy, facts, at, { profile: input.profile });
  io.print(`tool:      ${tool.name} (${tool.kind}), operation ${facts.operation}`);
  io.print(`scope:     ${scopeForCall(tool, args)}`);
  io.print(
    `facts:     level ${facts.level ?? '-'}, stream ${facts.stream ?? '-'}, application ${facts.application ?? '-'}, change type ${facts.changeType ?? '-'}, ticket ${facts.ticket ?? '-'}`,
  );
  io.print(`at:        ${new Date(at).toISOString()}`);
  io.print(`decision:  ${decision.effect} (${decision.rule})${decision.reason ? ` — ${decision.reason}` : ''}`);
  if (decision.confirm) io.print(`confirm:   ${decision.confirm} (${CONFIRM_MEANING[decision.confirm]}) — ${decision.confirmWhy ?? ''}`);
  if (decision.fourEyes) io.print('four eyes: whoever requested the change cannot approve it (ispw_set_action approve)');
  return decision.effect === 'allow' ? 0 : decision.effect === 'confirm' ? 3 : 4;
}
