// Renders the chart with helm, as a user would, and parses the result: the values matrix in
// charts/ispw-mcp/ci/, extra --set values, and the parsed objects by kind and name.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { CHART, KUBE_VERSION, run, tool, type Result } from './tools.js';

/** Kubernetes objects are checked field by field; a loose type keeps those checks readable. */

export type Loose = any;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Loose;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** The scenarios of the values matrix: charts/ispw-mcp/ci/<name>-values.yaml. */
export const MATRIX: readonly string[] = readdirSync(join(CHART, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .map((f) => basename(f, '-values.yaml'))
  .sort();

export const valuesFile = (scenario: string) => join(CHART, 'ci', `${scenario}-values.yaml`);

export interface RenderOptions {
  scenario?: string;
  namespace?: string;
  release?: string;
  set?: Record<string, string>;
  valuesFiles?: string[];
  chart?: string;
  extraArgs?: string[];
}

export function helmTemplateArgs(options: RenderOptions): string[] {
  const args = ['template', options.release ?? 'ispw', options.chart ?? CHART, '--namespace', options.namespace ?? 'ispw-mcp', '--kube-version', KUBE_VERSION];
  if (options.scenario) args.push('--values', valuesFile(options.scenario));
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  return [...args, ...(options.extraArgs ?? [])];
}

/** helm template; the result carries helm's exit code and messages (for the negative tests). */
export function helmTemplate(options: RenderOptions): Promise<Result> {
  return run(tool('helm'), helmTemplateArgs(options));
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
      return doc.toJSON() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export interface Render {
  text: string;
  objects: K8sObject[];
  one(kind: string, name?: string): K8sObject;
  all(kind: string): K8sObject[];
}

export async function render(options: RenderOptions): Promise<Render> {
  const result = await helmTemplate(options);
  if (result.code !== 0) throw new Error(`helm ${helmTemplateArgs(options).join(' ')} failed:\n${result.stderr}`);
  const objects = parseManifests(result.stdout);
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    text: result.stdout,
    objects,
    all,
    one(kind, name) {
      const found = all(kind).filter((o) => name === undefined || o.metadata.name === name);
      if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
      return found[0]!;
    },
  };
}

/** The pod spec of a workload object (Deployment, Job, CronJob, Pod). */
export function podSpecOf(object: K8sObject): Loose {
  switch (object.kind) {
    case 'Pod':
      return object.spec;
    case 'CronJob':
      return object.spec.jobTemplate.spec.template.spec;
    default:
      return object.spec.template.spec;
  }
}

export const WORKLOAD_KINDS = new Set(['Deployment', 'Job', 'CronJob', 'Pod']);
