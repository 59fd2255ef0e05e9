// The Prometheus rule files of deploy/monitoring/prometheus and the promtool unit tests of
// test/ops/promtool, read as data: alerts, recording rules and every PromQL expression in them.
import { readdirSync, readFileSync } from 'node:fs';

import { parse } from 'yaml';

import { repoPath } from './tools.js';

export const RULES_DIR = 'deploy/monitoring/prometheus';
export const PROMTOOL_TESTS_DIR = 'test/ops/promtool';

export interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RecordingRule {
  file: string;
  record: string;
  expr: string;
}

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
  }[];
}

export const ruleFiles = () =>
  readdirSync(repoPath(RULES_DIR))
    .filter((f) => f.endsWith('.rules.yaml'))
    .sort()
    .map((f) => `${RULES_DIR}/${f}`);

export const promtoolTests = () =>
  readdirSync(repoPath(PROMTOOL_TESTS_DIR))
    .filter((f) => f.endsWith('.test.yaml'))
    .sort()
    .map((f) => `${PROMTOOL_TESTS_DIR}/${f}`);

function readRuleFile(file: string): RuleFile {
  return parse(readFileSync(repoPath(file), 'utf8')) as RuleFile;
}

export function alertRules(): AlertRule[] {
  return ruleFiles().flatMap((file) =>
    readRuleFile(file).groups.flatMap((group) =>
      group.rules
        .filter((r) => r.alert !== undefined)
        .map((r) => ({ file, group: group.name, alert: r.alert!, expr: r.expr, for: r.for, labels: r.labels ?? {}, annotations: r.annotations ?? {} })),
    ),
  );
}

export function recordingRules(): RecordingRule[] {
  return ruleFiles().flatMap((file) =>
    readRuleFile(file).groups.flatMap((group) => group.rules.filter((r) => r.record !== undefined).map((r) => ({ file, record: r.record!, expr: r.expr }))),
  );
}

interface PromtoolTestFile {
  tests: { name?: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

/** Per alert name: how many promtool cases expect it to fire, and how many expect it quiet. */
export function alertCoverage(): Map<string, { fires: number; quiet: number }> {
  const coverage = new Map<string, { fires: number; quiet: number }>();
  for (const file of promtoolTests()) {
    const doc = parse(readFileSync(repoPath(file), 'utf8')) as PromtoolTestFile;
    for (const test of doc.tests) {
      for (const check of test.alert_rule_test ?? []) {
        const entry = coverage.get(check.alertname) ?? { fires: 0, quiet: 0 };
        if ((check.exp_alerts ?? []).length > 0) entry.fires += 1;
        else entry.quiet += 1;
        coverage.set(check.alertname, entry);
      }
    }
  }
  return coverage;
}
