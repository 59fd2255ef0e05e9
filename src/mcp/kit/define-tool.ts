// The one abstraction every tool is written with. A tool is a declarative value: its name, risk
// (`kind`), toolset, schemas, what it may do (`access`: scope, policy operation, change subject,
// ticket), `examples` that must succeed or fail against the CES simulator, and a `run` function that
// gets a ToolContext. Annotations, scopes, policy facts, the shared `srid` argument, error mapping,
// the route and audit test cases and the generated docs are all derived from this declaration
// (docs/adding-a-tool.md), never repeated elsewhere.
import type { z } from 'zod';

import type { ChangeAccess, ErasedChangeAccess, ReadAccess } from './access.js';
import type { ToolContext } from './context.js';

/** How much a tool can change on the mainframe; drives annotations, scopes and policy. */
export type ToolKind =
  /** Reads only. */
  | 'read'
  /** Creates or changes something that can be undone or is additive (create, generate, hold). */
  | 'write'
  /** Can overwrite, remove or put code into a runtime environment (promote, deploy, delete…). */
  | 'destructive';

export type ToolsetId = 'assignments' | 'releases' | 'sets' | 'tasks' | 'deployments' | 'source';

/** What a tool returns: a short text for the model and structured content matching `output`. */
export interface ToolOutcome<S> {
  text: string;
  structured: S;
  /**
   * The change the tool made failed in CES (a set that failed, partially failed or was terminated, a
   * failed deployment, no set created): answered as a tool execution error with the structured
   * result still attached, so no client can read it as success (docs/ces-fidelity.md, item 3).
   */
  isError?: boolean;
}

/** Arguments that succeed against the simulator's demo estate, and what they show. */
export interface SucceedingExample<In> {
  readonly args: In;
  readonly shows: string;
}

/** Arguments the tool (or its schema) must refuse, and why. May be outside the schema on purpose. */
export interface FailingExample {
  readonly args: Record<string, unknown>;
  readonly because: string;
}

export interface ToolExamples<In> {
  /**
   * Each succeeds against a fresh CES simulator with its demo estate (simulator/README.md). Together
   * the examples of all tools must reach every operation of the CES catalogue (test/tools/examples.test.ts),
   * and those of write tools are the audit test's cases.
   */
  readonly succeeds: readonly [SucceedingExample<In>, ...SucceedingExample<In>[]];
  /** Each is refused: a tool error (isError) or an input validation error, never a crash. */
  readonly fails: readonly [FailingExample, ...FailingExample[]];
}

/**
 * A resource template served by the tool: `resources/read` of a matching URI calls the tool (through
 * the same call wrapper, scopes and policy as tools/call) and returns its text.
 */
export interface ToolResource<In, Out> {
  /** RFC 6570 template, e.g. `ispw://{srid}/{stream}/{application}/{level}/{type}/{name}`. */
  readonly uriTemplate: string;
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly mimeType: string;
  /** The tool's arguments (and `srid`) for the template's variables; the match gives every variable. */
  args(variables: Readonly<Record<string, string>>): In & { srid?: string | undefined };
  /** The resource text from the tool's structured result. */
  text(structured: Out): string;
}

interface ToolDefBase<I extends z.ZodObject, O extends z.ZodObject> {
  /** `ispw_<verb>[_<noun>]`, snake_case. */
  readonly name: string;
  readonly toolset: ToolsetId;
  readonly title: string;
  /** One sentence that tells a model when to use the tool. */
  readonly description: string;
  /** Calling twice with the same arguments has no further effect (only meaningful for writes). */
  readonly idempotent?: boolean;
  /** Input schema, without `srid` (added centrally to every tool). */
  readonly input: I;
  readonly output: O;
  readonly examples: ToolExamples<z.input<I>>;
  readonly resource?: ToolResource<z.input<I>, z.output<O>>;
  run(input: z.output<I>, ctx: ToolContext): Promise<ToolOutcome<z.output<O>>>;
}

/**
 * A tool definition. A read tool needs no access declaration (scope `ispw:read`, operation from its
 * name); a write or destructive tool must declare its scope, operation(s), change subject and
 * whether it takes a ticket — leaving any of them out is a type error.
 */
export type ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject, K extends ToolKind = ToolKind> = ToolDefBase<I, O> &
  (K extends 'read' ? { readonly kind: K; readonly access?: ReadAccess } : { readonly kind: K; readonly access: ChangeAccess<z.output<I>> });

/** Declares a tool. Exists for type inference and a single grep target; the value is frozen. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject, K extends ToolKind>(def: ToolDef<I, O, K>): ToolDef<I, O, K> {
  Object.freeze(def);
  return def;
}

/**
 * A tool of any shape, as the registry holds it: its schemas as plain zod objects (`run`, `args`
 * and `text` are methods, so each tool's own argument types still fit) and its access erased.
 */
export type AnyToolDef = ToolDefBase<z.ZodObject, z.ZodObject> &
  ({ readonly kind: 'read'; readonly access?: ReadAccess } | { readonly kind: 'write' | 'destructive'; readonly access: ErasedChangeAccess });
