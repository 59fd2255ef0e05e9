// What a tool may do, as the tool itself declares it (src/mcp/kit/define-tool.ts): the OAuth scope a
// call needs, the policy operation it performs, the change subject its arguments name, and whether
// it takes a ticket. Access control (src/auth, src/policy) reads these facts through the functions
// below and never re-derives them from tool names or argument names. Nothing here decides: scopes
// are checked by the guard, operations matched by the policy.

import type { Scope } from '../../shared/scopes.js';

export { SCOPES, type Scope } from '../../shared/scopes.js';
/** The scopes a change can need: `ispw:deploy` when it changes what runs in an environment. */
export type ChangeScope = Exclude<Scope, 'ispw:read'>;

/** Scopes from the least to the most powerful; a tool is listed under the least any call needs. */
const SCOPE_RANK: Record<Scope, number> = { 'ispw:read': 0, 'ispw:write': 1, 'ispw:deploy': 2 };

/** What one action of a change tool does. */
export interface ActionAccess {
  /** Policy operation (`promote`, `set_approve`…): what policy files match in `operations`. */
  readonly operation: string;
  readonly scope: ChangeScope;
}

/** The container types of Code Pipeline. */
export type ContainerType = 'assignment' | 'release' | 'set';

/**
 * What a change acts on, computed from its arguments. The guard reads the named container (or the
 * deployment request, then its set) from CES for the policy's stream/application facts and the
 * confirmation preview; the preview shows the rest as given.
 */
export interface ChangeSubject {
  /** The container whose tasks change (or that changes itself). */
  readonly container?: { readonly type: ContainerType; readonly id: string } | undefined;
  /** A deployment request the change acts on (its set and environment are read from CES). */
  readonly deploymentRequest?: string | undefined;
  /** The level the tasks are at before the change (policy `levels`). */
  readonly level?: string | undefined;
  /** Stream and application when the arguments name them (creating a container); else read from CES. */
  readonly stream?: string | undefined;
  readonly application?: string | undefined;
  /** Which of the container's tasks are involved; none given: all at `level`. */
  readonly tasks?:
    { readonly ids?: readonly string[] | undefined; readonly moduleName?: string | undefined; readonly moduleType?: string | undefined } | undefined;
  /** Where the change leads: the next or previous level, or the runtime environments named. */
  readonly target?: { readonly levelMove?: 'next' | 'previous' | undefined; readonly environments?: readonly string[] | undefined } | undefined;
  /** The change type (`S`, `I`, `E`) the call asks for; the ticket rule keys on it. */
  readonly changeType?: string | undefined;
}

/**
 * The access facts of a tool that changes something. Either one `scope` and `operation`, or — for a
 * tool that spans actions of different weight — one entry per value of its action argument, so a new
 * value without an entry is a type error rather than a silently widened scope.
 */
export type ChangeAccess<In> = {
  /** How the change subject follows from the (validated) arguments. */
  readonly subject: (args: In) => ChangeSubject;
  /** The tool takes a `ticket` argument (it has a change type the ticket rule can demand one for). */
  readonly ticket: boolean;
} & (
  | { readonly scope: ChangeScope; readonly operation: string; readonly byAction?: never }
  | { readonly byAction: ActionSplit<In>; readonly scope?: never; readonly operation?: never }
);

/** One entry per value of an enum argument of the tool (the union over its enum-typed arguments). */
export type ActionSplit<In> = {
  [K in keyof In & string]-?: NonNullable<In[K]> extends string
    ? string extends NonNullable<In[K]>
      ? never
      : { readonly argument: K; readonly each: { readonly [V in NonNullable<In[K]>]: ActionAccess } }
    : never;
}[keyof In & string];

/** The access facts of a tool that only reads: scope `ispw:read`, operation from its name. */
export interface ReadAccess {
  readonly operation?: string;
}

/** Any tool's change access, as the functions below read it (the arguments' type erased). */
export interface ErasedChangeAccess {
  subject(args: never): ChangeSubject;
  readonly ticket: boolean;
  readonly scope?: ChangeScope | undefined;
  readonly operation?: string | undefined;
  readonly byAction?: { readonly argument: string; readonly each: Readonly<Record<string, ActionAccess>> } | undefined;
}

/** What access control needs of a tool; `kind` and `access` come from its definition. */
export interface AccessFacts {
  readonly name: string;
  readonly kind: 'read' | 'write' | 'destructive';
  readonly access?: ReadAccess | ErasedChangeAccess | undefined;
}

type ChangeFacts = AccessFacts & { readonly access: ErasedChangeAccess };
const isChange = (tool: AccessFacts): tool is ChangeFacts => tool.kind !== 'read';

/** The default operation of a tool: its name without `ispw_`. */
const operationFromName = (name: string) => name.replace(/^ispw_/, '');

/** Every action a tool can perform (one for most tools), each with its operation and scope. */
export function actionsOf(tool: AccessFacts): readonly (ActionAccess | { operation: string; scope: 'ispw:read' })[] {
  if (!isChange(tool)) return [{ operation: tool.access?.operation ?? operationFromName(tool.name), scope: 'ispw:read' }];
  const access = tool.access;
  if (access.byAction) return Object.values(access.byAction.each);
  return [{ operation: access.operation!, scope: access.scope! }];
}

/** The action one call performs. Arguments not (yet) validated fall back to the least powerful action. */
export function actionOf(tool: AccessFacts, args: Record<string, unknown> | undefined): { operation: string; scope: Scope } {
  if (isChange(tool) && tool.access.byAction) {
    const { argument, each } = tool.access.byAction;
    const value = args?.[argument];
    if (typeof value === 'string' && Object.hasOwn(each, value)) return each[value]!;
  }
  return leastOf(actionsOf(tool));
}

function leastOf<A extends { scope: Scope }>(actions: readonly A[]): A {
  return actions.reduce((least, action) => (SCOPE_RANK[action.scope] < SCOPE_RANK[least.scope] ? action : least));
}

/** The scope a caller needs to see the tool in tools/list: the least any of its calls needs. */
export const listScope = (tool: AccessFacts): Scope => leastOf(actionsOf(tool)).scope;

/** The scope one call needs; depends on the arguments for tools split by action. */
export const callScope = (tool: AccessFacts, args: Record<string, unknown> | undefined): Scope => actionOf(tool, args).scope;

/** The policy operation of one call. */
export const callOperation = (tool: AccessFacts, args: Record<string, unknown>): string => actionOf(tool, args).operation;

/** The change subject of one call; undefined for reads. `args` are the tool's validated arguments. */
export const changeSubject = (tool: AccessFacts, args: Record<string, unknown>): ChangeSubject | undefined =>
  isChange(tool) ? tool.access.subject(args as never) : undefined;

/** Whether the tool takes a `ticket` argument when a lifecycle policy is configured. */
export const takesTicket = (tool: AccessFacts): boolean => isChange(tool) && tool.access.ticket;
