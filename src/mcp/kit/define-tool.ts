// The one abstraction every tool is written with. A tool is a declarative value: its name, risk
// (`kind`), toolset, schemas and a `run` function that gets a ToolContext. Annotations, read-only
// filtering, the shared `srid` argument and error mapping are derived centrally (src/mcp/call.ts),
// never repeated in a tool.
import type { z } from 'zod';

import type { ToolContext } from './context.js';

/** How much a tool can change on the mainframe; drives annotations and later policy. */
export type ToolKind =
  /** Reads only. */
  | 'read'
  /** Creates or changes something that can be undone or is additive (create, generate, hold). */
  | 'write'
  /** Can overwrite, remove or put code into a runtime environment (promote, deploy, delete…). */
  | 'destructive';

export type ToolsetId = 'assignments' | 'releases' | 'sets' | 'tasks' | 'deployments' | 'context';

/** What a tool returns: a short text for the model and structured content matching `output`. */
export interface ToolOutcome<S> {
  text: string;
  structured: S;
}

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** `ispw_<verb>[_<noun>]`, snake_case. */
  readonly name: string;
  readonly toolset: ToolsetId;
  readonly kind: ToolKind;
  readonly title: string;
  /** One sentence that tells a model when to use the tool. */
  readonly description: string;
  /** Calling twice with the same arguments has no further effect (only meaningful for writes). */
  readonly idempotent?: boolean;
  /** Input schema, without `srid` (added centrally to every tool). */
  readonly input: I;
  readonly output: O;
  run(input: z.output<I>, ctx: ToolContext): Promise<ToolOutcome<z.output<O>>>;
}

/** Declares a tool. The identity function exists for type inference and a single grep target. */
export const defineTool = <I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef<I, O> =>
  Object.freeze(def);

/** A tool of any shape, as the registry holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyToolDef = ToolDef<any, any>;
