// Tool schemas as the SDK sees them: validation stays zod's own (`~standard.validate`), while the
// JSON Schema advertised in tools/list is converted once at start-up, compacted and frozen. The
// SDK otherwise converts zod to JSON Schema on every tools/list and, per HTTP request, for every
// tools/call (input schema for the Mcp-Param header scan, output schema for the result codec).
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { z } from 'zod';

import { GUARDED_LIMIT, GUARDED_PATTERN } from '../../shared/guarded-name.js';

type Json = Record<string, unknown>;

/** Removes what carries no constraint: `$schema` (MCP's default dialect is draft 2020-12). */
function compact(schema: Json): Json {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/**
 * The advertised form of an output schema: open (no `additionalProperties: false`, no `required`),
 * the result's top-level fields by name and type, lists as plain arrays (their rows, like the
 * values of `outcome`, are in the text content and docs/tools.md). Every result still matches it,
 * and the full zod schema still validates every result before it is sent. Output schemas are read
 * by clients, not models, so they carry the structure and leave descriptions to the names.
 */
const OUTPUT_DETAIL = new Set(['required', 'description', 'items', 'enum']);

function compactOutput(schema: Json, depth = 0): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    if (OUTPUT_DETAIL.has(key) && (depth > 0 || key === 'required')) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, Json>);
      out[key] = Object.fromEntries(entries.map(([name, prop]) => [name, compactOutput(prop, depth + 1)]));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Input constraints a model cannot get wrong by accident are validated, not advertised: a guarded
 * name (src/shared/guarded-name.ts) is shown by type only, and `minLength: 1` (no empty filter or
 * name) is left to zod; the shared row limit shows its maximum only. Ids keep their patterns, enums
 * and other bounds stay.
 */
function advertiseGuardedByType(ctx: { jsonSchema: Json }): void {
  if (ctx.jsonSchema.minLength === 1) delete ctx.jsonSchema.minLength;
  if (ctx.jsonSchema[GUARDED_LIMIT] !== undefined) {
    // The shared row limit: its minimum (1) and default (50) are said once, in the server instructions.
    delete ctx.jsonSchema[GUARDED_LIMIT];
    delete ctx.jsonSchema.minimum;
    delete ctx.jsonSchema.default;
  }
  if (ctx.jsonSchema[GUARDED_PATTERN] === undefined) return;
  delete ctx.jsonSchema[GUARDED_PATTERN];
  delete ctx.jsonSchema.pattern;
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
  const converted = compact(z.toJSONSchema(schema, { target: 'draft-2020-12', io, override: advertiseGuardedByType }));
  const json = deepFreeze(io === 'output' ? compactOutput(converted) : converted);
  const std = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'zod',
      validate: (value: unknown) => std.validate(value),
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}
