// The SLO specification (deploy/monitoring/slos.yaml), read and checked. Everything generated from
// it — recording rules, burn-rate alerts, dashboard panels, the table in docs/slo.md — goes through
// `loadSloSpec`, so a mistake in the file is reported once, with its path, before anything is written.
import { readFileSync } from 'node:fs';

import { parse } from 'yaml';
import { z } from 'zod';

const duration = z.string().regex(/^\d+[mhd]$/, 'a duration such as 5m, 6h or 3d');

const BurnRate = z.strictObject({
  severity: z.enum(['page', 'ticket']),
  factor: z.number().positive(),
  long: duration,
  short: duration,
});

const Slo = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case words joined by dashes'),
    title: z.string().min(1),
    objective: z.number().gt(0).lt(1),
    by: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)).min(1),
    errors: z.string().min(1).optional(),
    good: z.string().min(1).optional(),
    total: z.string().min(1),
    alert: z.string().regex(/^IspwMcp[A-Za-z]+$/, 'an alert name starting with IspwMcp'),
    runbook: z.string().regex(/^docs\/runbooks\/[a-z0-9-]+\.md(#[a-z0-9-]+)?$/, 'a path docs/runbooks/<page>.md'),
    summary: z.string().min(1),
    description: z.string().min(1),
  })
  .refine((slo) => (slo.errors === undefined) !== (slo.good === undefined), { message: 'give exactly one of `errors` and `good`' });

export const SloSpec = z.strictObject({
  window: duration,
  burnRates: z.array(BurnRate).min(1),
  slos: z.array(Slo).min(1),
});
export type SloSpec = z.infer<typeof SloSpec>;
export type SloDefinition = SloSpec['slos'][number];

export const SLO_SPEC_PATH = 'deploy/monitoring/slos.yaml';

/** Parses and checks a spec; throws one error naming every problem and where it is. */
export function parseSloSpec(text: string, source = SLO_SPEC_PATH): SloSpec {
  const result = SloSpec.safeParse(parse(text));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${source} is not a valid SLO specification:\n${problems.join('\n')}`);
  }
  const names = result.data.slos.map((slo) => slo.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`${source}: SLO name "${duplicate}" is used twice`);
  return result.data;
}

export function loadSloSpec(root: URL): SloSpec {
  return parseSloSpec(readFileSync(new URL(SLO_SPEC_PATH, root), 'utf8'));
}

/** Every rate window the alerts need, shortest first. */
export function windowsOf(spec: SloSpec): string[] {
  const seconds = (d: string) => Number(d.slice(0, -1)) * { m: 60, h: 3600, d: 86400 }[d.at(-1) as 'm' | 'h' | 'd'];
  const all = new Set(spec.burnRates.flatMap((b) => [b.long, b.short]));
  return [...all].sort((a, b) => seconds(a) - seconds(b));
}

/** The error budget as a plain number (1 - objective), without floating-point noise. */
export const budgetOf = (slo: SloDefinition) => Number((1 - slo.objective).toPrecision(6));
