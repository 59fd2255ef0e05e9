// The server factory: a fresh McpServer with the selected tools, for one stdio connection or one
// HTTP request. Everything expensive (schemas, annotations) is prepared once in createServerFactory.
import { McpServer, type AuthInfo, type ScopeChallengeHandler } from '@modelcontextprotocol/server';

import { principalOf } from '../auth/principal.js';
import { scopeForCall, scopeToList } from '../auth/scopes.js';
import { confirmableOutput, controlParams } from '../policy/control-params.js';

import { PRODUCT } from '../shared/version.js';
import { annotationsFor } from './annotations.js';
import { toolCallback, type CallDeps } from './call.js';
import { advertised } from './kit/advertised-schema.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { sridParam } from './kit/params.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';

export const SERVER_INSTRUCTIONS =
  'Tools for BMC AMI DevX Code Pipeline (ISPW) through CES. Find work with ispw_list_assignments, ' +
  'ispw_list_releases or ispw_get_work_list; inspect with ispw_get_assignment and ispw_list_tasks; ' +
  'move code with ispw_generate, ispw_promote and ispw_deploy (pass wait_seconds to wait for the set). ' +
  'Levels are site-defined names such as DEV1, QA, PRD. Every tool takes an optional srid, the Code Pipeline ' +
  'instance id; omit it to use the configured default.';

export interface ServerFactoryOptions extends CallDeps {
  /** The tools within the server's bounds (read-only mode, toolsets, allow/deny: src/policy/bounds.ts). */
  tools: readonly AnyToolDef[];
  /**
   * A lifecycle policy is configured: write tools take `confirmation_token` (and `ticket` where they
   * take `change_type`), and their results may be confirmation requests.
   */
  confirmable?: boolean;
}

/** What the factory gets per HTTP request or stdio connection (the SDK's McpRequestContext). */
export interface FactoryContext {
  authInfo?: AuthInfo;
}

// A tools/call needing a scope the bearer token lacks is answered 403 insufficient_scope by the SDK
// (step-up authorisation); the HTTP gate and the call wrapper check the same rule again.
const scopeChallenge =
  (tool: AnyToolDef): ScopeChallengeHandler =>
  ({ request, authInfo }) => {
    if (authInfo === undefined || principalOf(authInfo).via !== 'oauth') return undefined;
    const needed = scopeForCall(tool, request.params?.arguments as Record<string, unknown> | undefined);
    return authInfo.scopes.includes(needed) ? undefined : { scopes: [needed], errorDescription: `${tool.name} needs the ${needed} scope` };
  };

export function createServerFactory(options: ServerFactoryOptions): (ctx?: FactoryContext) => McpServer {
  const registrations = options.tools.map((tool) => ({
    name: tool.name,
    listScope: scopeToList(tool),
    config: {
      title: tool.title,
      description: tool.description,
      // Converted to JSON Schema once here, not per request; zod still validates every call.
      inputSchema: advertised(tool.input.extend({ srid: sridParam, ...(options.confirmable ? controlParams(tool) : {}) }), 'input'),
      outputSchema: advertised(options.confirmable ? confirmableOutput(tool) : tool.output, 'output'),
      annotations: annotationsFor(tool),
      scopeChallenge: scopeChallenge(tool),
    },
    callback: toolCallback(tool, options),
  }));
  return (ctx) => {
    // A caller sees only the tools its scopes allow (the local principal has every scope).
    const principal = principalOf(ctx?.authInfo);
    const server = new McpServer(
      { name: PRODUCT.name, version: PRODUCT.version, title: 'BMC AMI DevX Code Pipeline (ISPW)' },
      { capabilities: { logging: {} }, instructions: SERVER_INSTRUCTIONS },
    );
    for (const r of registrations) if (principal.scopes.has(r.listScope)) server.registerTool(r.name, r.config, r.callback);
    registerResources(server, options.directory);
    registerPrompts(server);
    return server;
  };
}
