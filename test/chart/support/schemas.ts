// Offline JSON schemas for kubeconform, generated from the control plane's own OpenAPI v2 document
// (GET /openapi/v2), which includes the installed CRDs. Each group/version/kind becomes one
// standalone schema (`<kind>-<group>-<version>.json`, kubeconform's naming) with every $ref inlined,
// strict (unknown fields refused, except where Kubernetes itself preserves unknown fields), and
// Kubernetes' quirks spelled out: int-or-string, quantities as strings or numbers, optional fields
// that may be null. Cached under .tools/kube-schemas/ by a hash of the OpenAPI document.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ROOT } from './tools.js';

type Schema = Record<string, unknown>;
interface OpenApiV2 {
  definitions: Record<string, Schema & { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }>;
}

/** kubeconform's file name for a kind: lower-case kind, then the group's first label, then the version. */
export function schemaFileName(group: string, version: string, kind: string): string {
  const suffix = group ? `-${group.split('.')[0]!.toLowerCase()}-${version.toLowerCase()}` : `-${version.toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

function convert(node: unknown, definitions: OpenApiV2['definitions'], seen: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => convert(item, definitions, seen));
  if (node === null || typeof node !== 'object') return node;
  const schema = node as Schema;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').pop()!;
    // A recursive type (JSONSchemaProps) stays open rather than expanding forever.
    if (seen.has(name)) return {};
    return convert(definitions[name], definitions, new Set([...seen, name]));
  }
  if (schema.format === 'int-or-string' || schema['x-kubernetes-int-or-string'] === true) {
    return { oneOf: [{ type: 'string' }, { type: 'integer' }], ...(schema.description ? { description: schema.description } : {}) };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(Object.entries(value as Schema).map(([name, prop]) => [name, convert(prop, definitions, seen)]));
    } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(key) && typeof value === 'object') {
      out[key] = convert(value, definitions, seen);
    } else {
      out[key] = value;
    }
  }
  const properties = out.properties as Record<string, Schema> | undefined;
  if (properties) {
    const required = new Set((out.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(properties)) {
      if (!required.has(name) && typeof prop.type === 'string') prop.type = [prop.type, 'null'];
    }
    // Strict: an unknown field is an error, unless Kubernetes keeps unknown fields there.
    if (out.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  }
  return out;
}

export interface SchemaSet {
  dir: string;
  /** kubeconform's -schema-location template for this directory. */
  location: string;
  kinds: number;
}

/** Writes (or reuses) the schemas for every kind in the document. */
export function writeSchemas(openapi: string): SchemaSet {
  const hash = createHash('sha256').update(openapi).update(convert.toString()).digest('hex').slice(0, 16);
  const dir = join(ROOT, '.tools/kube-schemas', hash);
  const location = `${dir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
  const doc = JSON.parse(openapi) as OpenApiV2;
  const definitions = { ...doc.definitions };
  // Quantities are strings in the OpenAPI document, but manifests may write numbers (cpu: 1).
  for (const name of Object.keys(definitions)) {
    if (name.endsWith('.api.resource.Quantity')) definitions[name] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  }
  let kinds = 0;
  const work = `${dir}.tmp-${process.pid}`;
  if (!existsSync(dir)) mkdirSync(work, { recursive: true });
  for (const [name, definition] of Object.entries(definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      if (name.split('.').pop()!.toLowerCase() !== gvk.kind.toLowerCase()) continue;
      kinds += 1;
      if (existsSync(dir)) continue;
      const schema = convert(definition, definitions, new Set([name])) as Schema;
      const properties = (schema.properties ??= {}) as Record<string, Schema>;
      properties.apiVersion = { type: 'string', enum: [gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version] };
      properties.kind = { type: 'string', enum: [gvk.kind] };
      schema.$schema = 'http://json-schema.org/schema#';
      writeFileSync(join(work, schemaFileName(gvk.group, gvk.version, gvk.kind)), JSON.stringify(schema));
    }
  }
  if (!existsSync(dir)) {
    try {
      renameSync(work, dir);
    } catch (error) {
      // Another run finished the same set first: use theirs.
      rmSync(work, { recursive: true, force: true });
      if (!existsSync(dir)) throw error;
    }
  }
  return { dir, location, kinds };
}
