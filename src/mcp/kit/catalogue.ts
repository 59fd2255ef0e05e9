// Resources and prompts served from the SDK's low-level Server. The registration code in
// src/mcp/resources.ts and prompts.ts runs once at start-up against a recorder with McpServer's
// registerResource/registerPrompt shape; each per-request server then gets four cheap handlers that
// answer exactly as McpServer's would (same list entries, same not-found and validation errors).
import {
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  type GetPromptResult,
  type McpServer,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type Server,
  type ServerContext,
  type StandardSchemaV1,
} from '@modelcontextprotocol/server';
import { z } from 'zod';

type ReadCallback = (uri: URL, ctx: ServerContext) => ReadResourceResult | Promise<ReadResourceResult>;
type PromptCallback = (args: Record<string, unknown>, ctx: ServerContext) => GetPromptResult | Promise<GetPromptResult>;

interface RecordedResource {
  listed: Resource;
  read: ReadCallback;
}
interface RecordedPrompt {
  listed: Prompt;
  args: StandardSchemaV1;
  callback: PromptCallback;
}

/** The resources and prompts, recorded once and frozen. */
export interface Catalogue {
  readonly resources: ReadonlyMap<string, RecordedResource>;
  readonly prompts: ReadonlyMap<string, RecordedPrompt>;
}

/**
 * Runs McpServer-style registration functions against a recorder. Only static-URI resources and
 * prompts are supported (all this server has); anything else fails at start-up, not per request.
 */
export function recordCatalogue(register: (server: McpServer) => void): Catalogue {
  const resources = new Map<string, RecordedResource>();
  const prompts = new Map<string, RecordedPrompt>();
  const recorder = {
    registerResource(name: string, uri: unknown, config: Record<string, unknown>, read: ReadCallback) {
      if (typeof uri !== 'string') throw new Error(`resource ${name}: only static URIs are supported by the catalogue`);
      const { cacheHint: _hint, scopeChallenge: _challenge, ...metadata } = config;
      resources.set(new URL(uri).toString(), { listed: Object.freeze({ uri, name, ...metadata }) as Resource, read });
    },
    registerPrompt(name: string, config: { title?: string; description?: string; argsSchema?: z.ZodType }, callback: PromptCallback) {
      const args = config.argsSchema;
      if (!args) throw new Error(`prompt ${name}: the catalogue supports prompts with arguments only`);
      prompts.set(name, {
        listed: Object.freeze({ name, title: config.title, description: config.description, arguments: promptArguments(args) }) as Prompt,
        args,
        callback,
      });
    },
  };
  register(recorder as unknown as McpServer);
  return Object.freeze({ resources, prompts });
}

/** The prompt's arguments as McpServer lists them (promptArgumentsFromStandardSchema). */
function promptArguments(schema: z.ZodType): Prompt['arguments'] {
  const json = z.toJSONSchema(schema, { io: 'input' }) as { properties?: Record<string, { description?: string }>; required?: string[] };
  const required = json.required ?? [];
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({ name, description: prop?.description, required: required.includes(name) }));
}

const formatIssue = (issue: StandardSchemaV1.Issue) =>
  issue.path?.length ? `${issue.path.map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}: ${issue.message}` : issue.message;

/** Installs resources/list, resources/templates/list, resources/read, prompts/list and prompts/get. */
export function installCatalogueHandlers(server: Server, catalogue: Catalogue, resourceList: readonly Resource[], promptList: readonly Prompt[]): void {
  server.setRequestHandler('resources/list', () => ({ resources: resourceList as Resource[] }));
  server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: [] }));
  server.setRequestHandler('resources/read', async (request, ctx) => {
    let uri: URL;
    try {
      uri = new URL(request.params.uri);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Resource URI ${request.params.uri} is invalid`, { uri: request.params.uri, reason: 'invalid_uri' });
    }
    const resource = catalogue.resources.get(uri.toString());
    if (!resource) throw new ResourceNotFoundError(request.params.uri);
    return resource.read(uri, ctx);
  });
  server.setRequestHandler('prompts/list', () => ({ prompts: promptList as Prompt[] }));
  server.setRequestHandler('prompts/get', async (request, ctx) => {
    const { name } = request.params;
    const prompt = catalogue.prompts.get(name);
    if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Prompt ${name} not found`);
    const parsed = await prompt.args['~standard'].validate(request.params.arguments ?? {});
    if (parsed.issues) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid arguments for prompt ${name}: ${parsed.issues.map(formatIssue).join(', ')}`);
    return prompt.callback(parsed.value as Record<string, unknown>, ctx);
  });
}
