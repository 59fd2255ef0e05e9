// Resources: a short guide to the Code Pipeline lifecycle as these tools see it, the configured
// CES instances (names, URLs, SRIDs — never tokens or key material), and the resource templates
// tools declare (source members).
import { isInputRequiredResult, ProtocolError, ProtocolErrorCode, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';

import type { CesDirectory } from '../ces/api.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { callViewTool, type ToolDispatch } from './kit/tool-dispatch.js';

export const LIFECYCLE_GUIDE = `# Working with Code Pipeline (ISPW) through these tools

- Work lives in **assignments** (ids like PLAY000313) and **releases**; each holds **tasks**
  (one per module: COBOL program, copybook, JCL…) at a lifecycle **level** (site-defined names such
  as DEV1 → QA → STG → PRD).
- Find work: ispw_list_assignments, ispw_list_releases, ispw_get_work_list. Inspect:
  ispw_get_assignment, ispw_list_tasks (container_type + container_id, optionally level).
- Change it: ispw_generate (compile at a level), ispw_promote (move tasks to the next level),
  ispw_deploy (install at the level's runtime environments), ispw_regress / ispw_fallback (undo).
  Each creates a **set**; the tool returns its setId at once. Pass wait_seconds to wait for the
  set with progress; otherwise follow it with ispw_get_set.
- A set ends Closed (done), Failed, Held, Terminated or Waiting-Approval. Approvals and other set
  controls: ispw_set_action (approve/deny/reset need an approver).
- Deployments: ispw_list_deployments, ispw_get_set_deployment, ispw_cancel_deployment.
- Promote and deploy change shared environments: confirm the level and the tasks first.
`;

export function registerResources(server: McpServer, directory: CesDirectory): void {
  server.registerResource(
    'lifecycle-guide',
    'ispw://guide/lifecycle',
    {
      title: 'Code Pipeline lifecycle guide',
      description: 'How assignments, tasks, levels and sets fit together, and which tool to use when',
      mimeType: 'text/markdown',
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: LIFECYCLE_GUIDE }] }),
  );
  server.registerResource(
    'ces-instances',
    'ispw://server/instances',
    {
      title: 'Configured CES instances',
      description: 'CES instances and SRIDs this server can act on; the srid argument of every tool picks one',
      mimeType: 'application/json',
    },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ instances: directory.describe() }, null, 2) }],
    }),
  );
}

/**
 * Resource templates that tools declare (`resource` on the definition): a read runs the tool for
 * the caller through the same view, call wrapper, scopes and policy as tools/call, and a tool error
 * becomes a JSON-RPC error with the tool's message.
 */
export function registerToolResources(server: McpServer, tools: readonly AnyToolDef[], dispatch: ToolDispatch): void {
  for (const tool of tools) {
    const resource = tool.resource;
    if (!resource) continue;
    server.registerResource(
      resource.name,
      new ResourceTemplate(resource.uriTemplate, { list: undefined }),
      { title: resource.title, description: resource.description, mimeType: resource.mimeType },
      async (uri, variables, ctx) => {
        const plain = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : value]));
        const result = await callViewTool(dispatch.viewFor(ctx.http?.authInfo), tool.name, resource.args(plain), ctx, (r) => r);
        // Resource tools are reads: nothing asks the user, so a question here is a server bug.
        if (isInputRequiredResult(result)) throw new ProtocolError(ProtocolErrorCode.InternalError, `${tool.name} asked for input while read as a resource`);
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
        if (result.isError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, text);
        return { contents: [{ uri: uri.href, mimeType: resource.mimeType, text: resource.text(result.structuredContent as never) }] };
      },
    );
  }
}
