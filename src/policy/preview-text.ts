// The confirmation preview, structured (the token result's `preview`) and in words (the question a
// person is asked, and the text of a token result): tool, container, level → target, the tasks and
// their count, set options, the policy rule and its reason — all from CES's state at the time of asking.
import type { CesTarget } from '../ces/api.js';
import { setOptionsInput } from '../ces/set-options.js';
import type { ChangeSubject } from '../mcp/kit/access.js';
import type { AnyToolDef } from '../mcp/kit/define-tool.js';
import type { CallFacts, Decision } from './evaluate.js';
import type { ContainerFacts } from './preview.js';

const SET_OPTIONS: ReadonlySet<string> = new Set(Object.keys(setOptionsInput));

export interface PreviewInput {
  tool: AnyToolDef;
  facts: CallFacts;
  subject: ChangeSubject | undefined;
  target: CesTarget;
  cesIdentity: string;
  decision: Decision;
  touched: ContainerFacts | undefined;
  toolInput: Record<string, unknown>;
}

export function describePreview(input: PreviewInput): { preview: Record<string, unknown>; lines: string[] } {
  const { tool, facts, subject, touched, decision, toolInput } = input;
  const setOptions = Object.fromEntries(Object.entries(toolInput).filter(([key]) => SET_OPTIONS.has(key)));
  const preview = {
    tool: tool.name,
    operation: facts.operation,
    instance: input.target.instance,
    srid: input.target.srid,
    ces_identity: input.cesIdentity,
    ...(touched
      ? { container: touched.container, deployment: touched.deployment, set_state: touched.setState, task_count: touched.taskCount, tasks: touched.tasks }
      : {}),
    level: facts.level,
    stream: facts.stream,
    application: facts.application,
    target: subject?.target,
    set_options: Object.keys(setOptions).length ? setOptions : undefined,
    arguments: toolInput,
    policy_rule: decision.rule,
    reason: decision.reason,
  };
  const where = touched?.deployment
    ? `deployment request ${touched.deployment.requestId} (set ${touched.container.id}` +
      `${touched.deployment.environment ? `, environment ${touched.deployment.environment}` : ''})`
    : touched
      ? `${touched.container.type} ${touched.container.id}`
      : undefined;
  const move = subject?.target?.levelMove;
  const environments = subject?.target?.environments ?? [];
  const target = move ? ` → the ${move} level` : environments.length ? ` → environment ${environments.join(', ')}` : '';
  const options = Object.entries(setOptions).map(([k, v]) => `${k}=${String(v)}`);
  const lines = [
    `${tool.name} needs confirmation (policy ${decision.rule}${decision.reason ? `: ${decision.reason}` : ''}).`,
    touched
      ? `It acts on ${where}${facts.level ? ` at ${facts.level}${target}` : target}` +
        `${facts.stream ? ` (stream ${facts.stream}, application ${facts.application ?? '?'})` : ''}: ${touched.taskCount} task(s)` +
        `${touched.tasks.length ? `: ${touched.tasks.map((t) => `${t.moduleName ?? t.taskId}${t.moduleType ? `.${t.moduleType}` : ''}`).join(', ')}` : ''}.`
      : `It acts on instance ${input.target.instance} (${input.target.srid})${facts.level ? ` at ${facts.level}${target}` : target}.`,
    options.length ? `Set options: ${options.join(', ')}.` : undefined,
    `In CES as ${input.cesIdentity}.`,
  ].filter((line): line is string => line !== undefined);
  return { preview: JSON.parse(JSON.stringify(preview)) as Record<string, unknown>, lines };
}
