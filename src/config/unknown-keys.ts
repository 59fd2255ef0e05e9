// Finds keys of a raw configuration object that the schema does not know (typos such as `prot:` for
// `port:`). The schema itself strips unknown keys; the profile decides what a finding means: a
// warning in dev, a refusal in stage and prod. Only key paths are reported, never values.
import type { z } from 'zod';

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType };

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps default/optional/nullable/pipe wrappers down to the schema that describes the value. */
function core(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (inner === undefined) return current;
    current = inner;
  }
  return current;
}

/** Dotted paths (`http.prot`, `ces.instances[prod].tokenFil`) of keys the schema does not define. */
export function unknownKeys(schema: z.ZodType, value: unknown, path = ''): string[] {
  const def = defOf(core(schema));
  if (def.type === 'object' && def.shape && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out: string[] = [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const at = path ? `${path}.${key}` : key;
      const known = def.shape[key];
      if (known === undefined) out.push(at);
      else out.push(...unknownKeys(known, child, at));
    }
    return out;
  }
  if (def.type === 'array' && def.element && Array.isArray(value)) {
    return value.flatMap((item, index) => {
      const name = item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' ? (item as { name: string }).name : String(index);
      return unknownKeys(def.element!, item, `${path}[${name}]`);
    });
  }
  return [];
}
