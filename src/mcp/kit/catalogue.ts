// Resources, resource templates and prompts served from the SDK's low-level Server. The registration
// code in src/mcp/resources.ts and prompts.ts runs once at start-up against a recorder with
// McpServer's registerResource/registerPrompt shape; each per-request server then gets five cheap
// handlers that answer exactly as McpServer's would (same list entries, same not-found and
// validation errors). A static URI wins over a template; templates match in registration order.
import {
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  type GetPromptResult,
  type McpServer,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  ResourceTemplate,
  type ResourceTemplateType,
  type Server,
  type ServerContext,
  type StandardSchemaV1,
} from '@modelcontextprotocol/server';
import { z } from 'zod';

import { formatIssues } from './issues.js';

type ReadCallback = (uri: URL, ctx: ServerContext) => ReadResourceResult | Promise<ReadResourceResult>;
type TemplateReadCallback = (uri: URL, variables: Record<string, string | string[]>, ctx: ServerContext) => ReadResourceResult | Promise<ReadResourceResult>;
type PromptCallback = (args: Record<string, unknown>, ctx: ServerContext) => GetPromptResult | Promise<GetPromptResult>;

interface RecordedResource {
  listed: Resource;
  read: ReadCallback;
}
interface RecordedTemplate {
  listed: ResourceTemplateType;
  template: ResourceTemplate;
  read: TemplateReadCallback;
}
interface RecordedPrompt {
  listed: Prompt;
  args: StandardSchemaV1;
  callback: PromptCallback;
}

/** The resources and prompts, recorded once and frozen. */
export interface Catalogue {
  readonly resources: ReadonlyMap<string, RecordedResource>;
  readonly templates: readonly RecordedTemplate[];
  readonly prompts: ReadonlyMap<string, RecordedPrompt>;
}

/**
 * Runs McpServer-style registration functions against a recorder. Static-URI resources, resource
 * templates without list or completion callbacks, and prompts with arguments are supported (all
 * this server has); anything else fails at start-up, not per request.
 */
export function recordCatalogue(register: (server: McpServer) => void): Catalogue {
  const resources = new Map<string, RecordedResource>();
  const templates: RecordedTemplate[] = [];
  const prompts = new Map<string, RecordedPrompt>();
  const recorder = {
    registerResource(name: string, uri: unknown, config: Record<string, unknown>, read: ReadCallback | TemplateReadCallback) {
      const { cacheHint: _hint, scopeChallenge: _challenge, ...metadata } = config;
      if (uri instanceof ResourceTemplate) {
        if (uri.listCallback) throw new Error(`resource template ${name}: the catalogue does not list template resources`);
        const listed = Object.freeze({ uriTemplate: uri.uriTemplate.toString(), name, ...metadata }) as ResourceTemplateType;
        templates.push({ listed, template: uri, read: read as TemplateReadCallback });
        return;
      }
      if (typeof uri !== 'string') throw new Error(`resource ${name}: a static URI or a ResourceTemplate`);
      resources.set(new URL(uri).toString(), { listed: Object.freeze({ uri, name, ...metadata }), read: read as ReadCallback });
    },
    registerPrompt(name: string, config: { title?: string; description?: string; argsSchema?: z.ZodType }, callback: PromptCallback) {
      const args = config.argsSchema;
      if (!args) throw new Error(`prompt ${name}: the catalogue supports prompts with arguments only`);
      prompts.set(name, {
        listed: Object.freeze({ name, title: config.title, description: config.description, arguments: promptArguments(args) }),
        args,
        callback,
      });
    },
  };
  register(recorder as unknown as McpServer);
  return Object.freeze({ resources, templates: Object.freeze(templates), prompts });
}

/** The prompt's arguments as McpServer lists them (promptArgumentsFromStandardSchema). */
function promptArguments(schema: z.ZodType): Prompt['arguments'] {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, { description?: string }>; required?: string[] };
  const required = json.required ?? [];
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({ name, description: prop?.description, required: required.includes(name) }));
}

/** Installs resources/list, resources/templates/list, resources/read, prompts/list and prompts/get. */
export function installCatalogueHandlers(server: Server, catalogue: Catalogue, resourceList: readonly Resource[], promptList: readonly Prompt[]): void {
  server.setRequestHandler('resources/list', () => ({ resources: resourceList as Resource[] }));
  const templateList = catalogue.templates.map((t) => t.listed);
  server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: templateList }));
  server.setRequestHandler('resources/read', async (request, ctx) => {
    let uri: URL;
    try {
      uri = new URL(request.params.uri);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource URI ${request.params.uri} is invalid`, {
        uri: request.params.uri,
        reason: 'invalid_uri',
      });
    }
    const resource = catalogue.resources.get(uri.toString());
    if (resource) return resource.read(uri, ctx);
    for (const { template, read } of catalogue.templates) {
      const variables = template.uriTemplate.match(request.params.uri);
      if (variables) return read(uri, variables, ctx);
    }
    throw new ResourceNotFoundError(request.params.uri);
  });
  server.setRequestHandler('prompts/list', () => ({ prompts: promptList as Prompt[] }));
  server.setRequestHandler('prompts/get', async (request, ctx) => {
    const { name } = request.params;
    const prompt = catalogue.prompts.get(name);
    if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);
    const parsed = await prompt.args['~standard'].validate(request.params.arguments ?? {});
    if (parsed.issues) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid arguments for prompt ${name}: ${formatIssues(parsed.issues)}`);
    return prompt.callback(parsed.value as Record<string, unknown>, ctx);
  });
}
