// Tool schemas as the SDK sees them: validation stays zod's own (`~standard.validate`), while the
// JSON Schema advertised in tools/list is converted once at start-up, compacted and frozen. The
// SDK otherwise converts zod to JSON Schema on every tools/list and, per HTTP request, for every
// tools/call (input schema for the Mcp-Param header scan, output schema for the result codec).
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';

type Json = Record<string, unknown>;

/** Removes what carries no constraint: `$schema` (MCP's default dialect is draft 2020-12). */
function compact(schema: Json): Json {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/**
 * The advertised form of an output schema: open (no `additionalProperties: false`), and the objects
 * of a list declared by their key fields only (the required ones and the first, the id by this
 * server's convention: taskId, containerId, setId, requestId…). Every result still matches it, and
 * the full zod schema still validates every result before it is sent; clients learn the shape
 * from the top-level fields and the text content, at a fraction of the tools/list size.
 */
function compactOutput(schema: Json, inList = false): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, Json>);
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const kept = inList ? entries.filter(([name], i) => i === 0 || required.has(name)) : entries;
      out[key] = Object.fromEntries(kept.map(([name, prop]) => [name, compactOutput(prop)]));
    } else if (key === 'items' && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = compactOutput(value as Json, (value as Json).type === 'object');
    } else {
      out[key] = value;
    }
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Wraps a zod schema for registerTool: same validation, pre-converted JSON Schema for `io`.
 * The JSON is frozen, so an accidental mutation by a caller fails loudly instead of leaking
 * into every later tools/list.
 */
export function advertised<S extends z.ZodType>(schema: S, io: 'input' | 'output'): StandardSchemaWithJSON<z.input<S>, z.output<S>> {
  const converted = compact(z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Json);
  const json = deepFreeze(io === 'output' ? compactOutput(converted) : converted);
  const std = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'zod',
      validate: (value: unknown) => std.validate(value),
      jsonSchema: { input: () => json, output: () => json },
    },
  } as StandardSchemaWithJSON<z.input<S>, z.output<S>>;
}
