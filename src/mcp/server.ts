// The server factory: a fresh low-level SDK Server with the selected tools, resources and prompts,
// for one stdio connection or one HTTP request. Everything expensive (schemas, list entries,
// annotations) is prepared once in createServerFactory; see docs/performance.md.
import { Server, type AuthInfo, type Tool } from '@modelcontextprotocol/server';

import { PRODUCT } from '../shared/version.js';
import { annotationsFor } from './annotations.js';
import { listScope } from './kit/access.js';
import { toolCallback, type CallDeps } from './call.js';
import { advertised } from './kit/advertised-schema.js';
import { installCatalogueHandlers, recordCatalogue } from './kit/catalogue.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { sridParam } from './kit/params.js';
import { installToolHandlers, toolViews, type PreparedTool, type ToolDispatch } from './kit/tool-dispatch.js';
import { registerPrompts } from './prompts.js';
import { registerResources, registerToolResources } from './resources.js';

// The meaning of the arguments many tools share is said here once rather than in every schema
// (every tools/list byte is context a model pays for; docs/performance.md, optimisation 10).
export const SERVER_INSTRUCTIONS =
  'Tools for BMC AMI DevX Code Pipeline (ISPW) through CES. Find work with ispw_list_assignments, ' +
  'ispw_list_releases or ispw_get_work_list; inspect with ispw_get_assignment and ispw_list_tasks; ' +
  'move code with ispw_generate, ispw_promote and ispw_deploy. Lifecycle tools create a set: pass ' +
  'wait_seconds (0-3600) to wait for it with progress, or follow it with ispw_get_set; outcome is ' +
  'succeeded, partially_failed, failed, terminated, waiting_approval, held, released, locked, ' +
  'deployment_pending, unverified, running (still going: do not repeat the call) or no_set; a change ' +
  'that failed in CES is returned as an error with its result; await_in_ces makes CES ' +
  'wait and count results instead (by task_ids; build also by level). Read source with ' +
  'ispw_list_members and ispw_get_member: select container_type and container_id, or stream, application ' +
  'and level. Shared arguments: level is a site-defined lifecycle level such as DEV1, QA or PRD; ' +
  'module_name and module_type name a member and its type (e.g. TPROG01, COB); task_ids come from ' +
  'ispw_list_tasks; container_type says what container_id names; change_type is S standard, I incidental ' +
  'or E emergency; execution_status I runs at once, H creates the set held; dates are YYYY-MM-DD and ' +
  'times HH:MM:SS; runtime_configuration ' +
  'defaults to the configured one; id filters of list tools take a trailing * as a wildcard; limit caps ' +
  'the rows of a list (1-500, default 50). Every tool takes an optional srid, the Code Pipeline instance id; omit it to use ' +
  'the configured default.';

export interface ServerFactoryOptions extends CallDeps {
  /** The tools within the server's bounds (read-only mode, toolsets, allow/deny: src/policy/bounds.ts). */
  tools: readonly AnyToolDef[];
}

/** What the factory gets per HTTP request or stdio connection (the SDK's McpRequestContext). */
export interface FactoryContext {
  authInfo?: AuthInfo;
}

// For OAuth callers the scope challenge (403 insufficient_scope for a tools/call needing a scope
// the bearer token lacks) is issued by the HTTP gate before any server is built
// (src/auth/http-gate.ts, `scopeChallenge`), for both eras and sessions alike. The call wrapper's
// guard checks the same rule for every caller; for mTLS identities it is the only check of a
// scope that depends on the arguments (e.g. ispw_set_action approve needs ispw:deploy).

const SERVER_INFO = { name: PRODUCT.name, version: PRODUCT.version, title: 'BMC AMI DevX Code Pipeline (ISPW)' };
const CAPABILITIES = { logging: {}, tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true } };

/** The factory, plus the tool dispatch the HTTP fast path calls directly (src/transports/fast-call.ts). */
export type ServerFactory = ((ctx?: FactoryContext) => Server) & { readonly toolDispatch: ToolDispatch };

/**
 * Prepares everything once (JSON Schemas, frozen tools/list entries per caller scope set, resources
 * and prompts) and returns the factory. Per call it builds the SDK's low-level Server with a
 * handful of handlers over the prepared data: near-free, where an McpServer with one registerTool
 * call per tool cost more than the tool call itself on the stateless HTTP paths.
 */
export function createServerFactory(options: ServerFactoryOptions): ServerFactory {
  const guard = options.guard;
  const prepared: PreparedTool[] = options.tools.map((tool) => {
    // Under a lifecycle policy the guard adds its control arguments and the confirmation-request output.
    const controls = guard?.controls(tool);
    const input = advertised(tool.input.extend({ srid: sridParam, ...controls?.input }), 'input');
    const output = advertised(controls?.output ?? tool.output, 'output');
    const inputJson = input['~standard'].jsonSchema.input({ target: 'draft-2020-12' }) as Tool['inputSchema'];
    const outputJson = output['~standard'].jsonSchema.output({ target: 'draft-2020-12' }) as Tool['outputSchema'];
    const listed: Tool = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: inputJson,
      outputSchema: outputJson,
      annotations: annotationsFor(tool),
    };
    return { name: tool.name, listScope: listScope(tool), listed: Object.freeze(listed), input, output, outputJson, callback: toolCallback(tool, options) };
  });
  const viewFor = toolViews(prepared);
  // A caller sees, and may call, only the tools its scopes allow (an unauthenticated, local caller
  // has every scope). Without access control the scopes are the ones the SDK's AuthInfo carries.
  const everyTool = viewFor(() => true);
  const toolDispatch: ToolDispatch = Object.freeze({
    viewFor: (authInfo: AuthInfo | undefined) => {
      const scopes = guard ? guard.scopesOf(authInfo) : authInfo ? new Set(authInfo.scopes) : undefined;
      return scopes ? viewFor((scope) => scopes.has(scope)) : everyTool;
    },
    serverInfo: SERVER_INFO,
  });
  const catalogue = recordCatalogue((server) => {
    registerResources(server, options.directory);
    registerToolResources(server, options.tools, toolDispatch);
    registerPrompts(server);
  });
  const resourceList = Object.freeze([...catalogue.resources.values()].map((r) => r.listed));
  const promptList = Object.freeze([...catalogue.prompts.values()].map((p) => p.listed));

  const factory = (ctx?: FactoryContext) => {
    const server = new Server(SERVER_INFO, { capabilities: CAPABILITIES, instructions: SERVER_INSTRUCTIONS });
    installToolHandlers(server, toolDispatch.viewFor(ctx?.authInfo));
    installCatalogueHandlers(server, catalogue, resourceList, promptList);
    return server;
  };
  return Object.assign(factory, { toolDispatch });
}
