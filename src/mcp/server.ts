// The server factory: a fresh McpServer with the selected tools, for one stdio connection or one
// HTTP request. Everything expensive (schemas, annotations) is prepared once in createServerFactory.
import { McpServer } from '@modelcontextprotocol/server';

import { PRODUCT } from '../shared/version.js';
import { annotationsFor } from './annotations.js';
import { toolCallback, type CallDeps } from './call.js';
import type { AnyToolDef } from './kit/define-tool.js';
import { sridParam } from './kit/params.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';

export const SERVER_INSTRUCTIONS =
  'Tools for BMC AMI DevX Code Pipeline (ISPW) through CES. Find work with ispw_list_assignments, ' +
  'ispw_list_releases or ispw_get_work_list; inspect with ispw_get_assignment and ispw_list_tasks; ' +
  'move code with ispw_generate, ispw_promote and ispw_deploy (pass wait_seconds to wait for the set). ' +
  'Levels are site-defined names such as DEV1, QA, PRD.';

export interface ServerFactoryOptions extends CallDeps {
  tools: readonly AnyToolDef[];
}

export function createServerFactory(options: ServerFactoryOptions): () => McpServer {
  const registrations = options.tools.map((tool) => ({
    name: tool.name,
    config: {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input.extend({ srid: sridParam }),
      outputSchema: tool.output,
      annotations: annotationsFor(tool),
    },
    callback: toolCallback(tool, options),
  }));
  return () => {
    const server = new McpServer(
      { name: PRODUCT.name, version: PRODUCT.version, title: 'BMC AMI DevX Code Pipeline (ISPW)' },
      { capabilities: { logging: {} }, instructions: SERVER_INSTRUCTIONS },
    );
    for (const r of registrations) server.registerTool(r.name, r.config, r.callback);
    registerResources(server, options.directory);
    registerPrompts(server);
    return server;
  };
}
