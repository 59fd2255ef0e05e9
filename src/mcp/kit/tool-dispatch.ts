// Tools served from the SDK's low-level Server: everything a tools/list answer or a tools/call
// dispatch needs is prepared once at start-up (JSON Schemas, frozen list entries, per-scope views),
// so a per-request server costs two handler registrations instead of one McpServer.registerTool
// call per tool. Validation is unchanged: the tool's zod schemas check every call's input and output, and
// failures read as McpServer's ("Input validation error: Invalid arguments for tool …"), except
// that a missing argument is named with what it means (src/mcp/kit/issues.ts).
import {
  isInputRequiredResult,
  ProtocolError,
  ProtocolErrorCode,
  type AuthInfo,
  type CallToolResult,
  type ClientCapabilities,
  type Implementation,
  type InputRequiredResult,
  type Server,
  type ServerContext,
  type StandardSchemaV1,
  type Tool,
} from '@modelcontextprotocol/server';

import { formatIssues } from './issues.js';

/** One tool as served: what tools/list shows, and how tools/call checks and runs it. */
export interface PreparedTool {
  readonly name: string;
  /** The scope a caller needs to see the tool (src/auth/scopes.ts). */
  readonly listScope: string;
  /** The frozen tools/list entry (JSON Schemas converted once). */
  readonly listed: Tool;
  readonly input: StandardSchemaV1;
  readonly output: StandardSchemaV1;
  /** The advertised output schema, for the SDK's result projection (2025-era `{result}` wrap). */
  readonly outputJson: Tool['outputSchema'];
  /** The call wrapper; `clientCapabilities` is what a 2025-era session declared at initialize. */
  readonly callback: (
    args: Record<string, unknown>,
    ctx: ServerContext,
    clientCapabilities?: () => ClientCapabilities | undefined,
  ) => Promise<CallToolResult | InputRequiredResult>;
}

/** The tools one caller may see and call: computed once per distinct set of listing scopes. */
export interface ToolView {
  readonly tools: readonly Tool[];
  readonly byName: ReadonlyMap<string, PreparedTool>;
}

/**
 * What the server factory offers besides building servers: the tool view a caller's credentials
 * select (the one the per-request server installs) and the identity the server stamps on 2026-era
 * results. The HTTP fast path (src/transports/fast-call.ts) dispatches tools/call through it.
 */
export interface ToolDispatch {
  viewFor(authInfo: AuthInfo | undefined): ToolView;
  readonly serverInfo: Implementation;
}

/** Caches one frozen view per combination of listing scopes (a handful in practice). */
export function toolViews(prepared: readonly PreparedTool[]): (hasScope: (scope: string) => boolean) => ToolView {
  const scopes = [...new Set(prepared.map((t) => t.listScope))].sort();
  const cache = new Map<string, ToolView>();
  return (hasScope) => {
    const held = scopes.filter(hasScope);
    const key = held.join(' ');
    let view = cache.get(key);
    if (!view) {
      const visible = prepared.filter((t) => held.includes(t.listScope));
      view = Object.freeze({ tools: Object.freeze(visible.map((t) => t.listed)), byName: new Map(visible.map((t) => [t.name, t])) });
      cache.set(key, view);
    }
    return view;
  };
}

const toolError = (text: string): CallToolResult => ({ content: [{ type: 'text', text }], isError: true });

/** How a tools/call result is projected onto the wire era (the SDK's `projectCallToolResult`). */
export type ProjectCallToolResult = (result: CallToolResult, advertisedOutputSchema: Tool['outputSchema']) => CallToolResult;

/**
 * tools/call against one view: look the tool up, validate the arguments with its zod schema, run
 * the central call wrapper, validate the result against its output schema and project it. The one
 * implementation behind both the SDK `Server` handler and the HTTP fast path
 * (src/transports/fast-call.ts). An unknown tool throws the SDK's -32602 ProtocolError; everything
 * else comes back as a tool result, exactly as McpServer answers.
 */
export async function callViewTool(
  view: ToolView,
  name: string,
  args: Record<string, unknown> | undefined,
  ctx: ServerContext,
  project: ProjectCallToolResult,
  clientCapabilities?: () => ClientCapabilities | undefined,
): Promise<CallToolResult | InputRequiredResult> {
  const tool = view.byName.get(name);
  if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);
  try {
    const input = await tool.input['~standard'].validate(args ?? {});
    if (input.issues) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Input validation error: Invalid arguments for tool ${name}: ${formatIssues(input.issues)}`);
    }
    const result = await tool.callback(input.value as Record<string, unknown>, ctx, clientCapabilities);
    // A question for the client's user (2026 era, human confirmation): the SDK's seam checks and sends it.
    if (isInputRequiredResult(result)) return result;
    // A failed change comes back as an error with its structured result (src/mcp/call.ts); that
    // result is checked like any other. Errors without structured content are plain messages.
    if (!result.isError || result.structuredContent !== undefined) {
      if (result.structuredContent === undefined) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `Output validation error: Tool ${name} has an output schema but no structured content was provided`,
        );
      }
      const output = await tool.output['~standard'].validate(result.structuredContent);
      if (output.issues) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `Output validation error: Invalid structured content for tool ${name}: ${formatIssues(output.issues)}`,
        );
      }
    }
    return project(result, tool.outputJson);
  } catch (error) {
    if (error instanceof ProtocolError && error.code === ProtocolErrorCode.UrlElicitationRequired) throw error;
    return toolError(error instanceof Error ? error.message : String(error));
  }
}

/** Installs tools/list and tools/call on a fresh low-level server for one view. */
export function installToolHandlers(server: Server, view: ToolView): void {
  const project: ProjectCallToolResult = (result, schema) => server.projectCallToolResult(result, schema);
  server.setRequestHandler('tools/list', () => ({ tools: view.tools as Tool[] }));
  const clientCapabilities = () => server.getClientCapabilities();
  server.setRequestHandler('tools/call', (request, ctx) => callViewTool(view, request.params.name, request.params.arguments, ctx, project, clientCapabilities));
}
