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
  const json = deepFreeze(compact(z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Json));
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
