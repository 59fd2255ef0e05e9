// The facts a policy decides on, for one call: the tool's declared operation and change subject
// (src/mcp/kit/access.ts) plus what the caller said. The one place both the guard and
// `ispw-mcp policy explain` build them, so the two cannot disagree.
import { callOperation, changeSubject, type ChangeSubject } from '../mcp/kit/access.js';
import type { AnyToolDef } from '../mcp/kit/define-tool.js';
import type { CallFacts } from './evaluate.js';

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The policy facts of a call. `args` are the call's arguments (control arguments included); the
 * change subject is computed from them when they are the tool's validated arguments, and passed in
 * when the caller already has it (or none, for arguments that do not validate).
 */
export function callFacts(tool: AnyToolDef, args: Record<string, unknown>, subject: ChangeSubject | undefined = changeSubject(tool, args)): CallFacts {
  return {
    tool: tool.name,
    kind: tool.kind,
    operation: callOperation(tool, args),
    level: subject?.level ?? str(args.level),
    stream: subject?.stream ?? str(args.stream),
    application: subject?.application ?? str(args.application),
    changeType: subject?.changeType ?? str(args.change_type),
    ticket: str(args.ticket),
  };
}
