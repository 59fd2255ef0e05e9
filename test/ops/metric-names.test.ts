// Every metric a rule, an alert, the dashboard or a runbook uses is one the server really exports:
// a real server is scraped after a mixed workload, and every PromQL expression of the operations
// artefacts is parsed with the Prometheus grammar. Label names are checked too (labels the server
// sets, or the target labels Prometheus adds). The checker itself is shown to catch a misspelt
// metric, a misspelt label and an expression that does not parse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ALL_TOOLS } from '../../src/tools/index.js';
import { parsePrometheus } from '../telemetry/prometheus-text.js';
import { dashboardExpressions, docExpressions, ruleExpressions, type Expression } from './support/expressions.js';
import { selectorsIn } from './support/promql.js';
import { recordingRules } from './support/rules.js';
import { mixedWorkload, scrape, startOpsServer, type OpsServer } from './support/workload.js';
import { loadSloSpec } from '../../scripts/ops/slo-spec.js';
import { ROOT } from './support/tools.js';

/** Labels Prometheus adds from the scrape target (Kubernetes service discovery, ServiceMonitor). */
const TARGET_LABELS = new Set(['namespace', 'pod', 'job', 'instance', 'service', 'container', 'endpoint']);
/** Series Prometheus makes itself for every target. */
const PROMETHEUS_SERIES = new Set(['up']);
let ops: OpsServer;
let exported: Map<string, Set<string>>;
/** Histogram and summary family names: fine in prose, not in a query (their series have suffixes). */
const families = new Set<string>();

/** Metric names of a scrape (histograms and summaries with their series suffixes) → label names seen. */
function exportedNames(text: string): Map<string, Set<string>> {
  const { types, samples } = parsePrometheus(text);
  const names = new Map<string, Set<string>>();
  for (const [family, type] of types) {
    if (type === 'histogram' || type === 'summary') families.add(family);
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
    for (const suffix of suffixes) names.set(`${family}${suffix}`, new Set());
  }
  for (const s of samples) for (const label of Object.keys(s.labels)) names.get(s.name)?.add(label);
  return names;
}

interface Problem {
  source: string;
  problem: string;
}

/** What is wrong with the names and labels of `expressions`, given the exported metrics. */
function check(expressions: Expression[], metrics: Map<string, Set<string>>): Problem[] {
  const recorded = new Set(recordingRules().map((r) => r.record));
  const sloNames = new Set(loadSloSpec(new URL(`file://${ROOT}`)).slos.map((s) => s.name));
  const problems: Problem[] = [];
  for (const { source, expr, mention } of expressions) {
    if (mention && families.has(expr)) continue;
    let selectors;
    try {
      selectors = selectorsIn(expr);
    } catch (error) {
      problems.push({ source, problem: (error as Error).message });
      continue;
    }
    for (const { name, matchers } of selectors) {
      if (recorded.has(name)) {
        for (const m of matchers.filter((m) => m.label === 'slo' && m.op === '='))
          if (!sloNames.has(m.value)) problems.push({ source, problem: `no SLO named "${m.value}"` });
        continue;
      }
      if (PROMETHEUS_SERIES.has(name)) continue;
      const labels = metrics.get(name);
      if (labels === undefined) {
        problems.push({ source, problem: `metric ${name} is not exported by the server` });
        continue;
      }
      // Label names are known for metrics the workload produced samples of.
      if (labels.size === 0) continue;
      for (const m of matchers) {
        if (!labels.has(m.label) && !TARGET_LABELS.has(m.label))
          problems.push({ source, problem: `metric ${name} has no label ${m.label} (it has ${[...labels].sort().join(', ')})` });
      }
    }
  }
  return problems;
}

beforeAll(async () => {
  ops = await startOpsServer('metric-names');
  await mixedWorkload(ops);
  exported = exportedNames(await scrape(ops));
});
afterAll(() => ops?.close());

describe('metric names used by the operations artefacts', () => {
  it('the scrape after the workload has the families the artefacts rely on', () => {
    for (const name of [
      'mcp_server_operation_duration_seconds_bucket',
      'ispw_mcp_ces_request_duration_seconds_count',
      'ispw_mcp_set_waits_total',
      'ispw_mcp_confirmation_key_shared',
      'ispw_mcp_certificate_expiry_timestamp_seconds',
      'ispw_mcp_audit_sink_writable',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(exported.has(name), name).toBe(true);
    }
    expect([...exported.get('mcp_server_operation_duration_seconds_count')!].sort()).toEqual(['error_type', 'gen_ai_tool_name', 'mcp_method_name']);
    expect(exported.get('ispw_mcp_confirmations_total')!.size).toBeGreaterThan(0);
    expect(exported.get('ispw_mcp_policy_denials_total')!.size).toBeGreaterThan(0);
  });

  it('rules and alerts use only exported metrics and labels', () => {
    const expressions = ruleExpressions();
    expect(expressions.length).toBeGreaterThan(50);
    expect(check(expressions, exported)).toEqual([]);
  });

  it('the dashboard uses only exported metrics and labels', () => {
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(30);
    expect(check(expressions, exported)).toEqual([]);
  });

  it('runbooks and docs/slo.md use only exported metrics and labels in their PromQL', () => {
    const expressions = docExpressions();
    expect(expressions.length).toBeGreaterThan(20);
    expect(check(expressions, exported)).toEqual([]);
  });

  it('the check catches a misspelt metric, a misspelt label and PromQL that does not parse', () => {
    const problems = check(
      [
        { source: 'typo', expr: 'rate(ispw_mcp_ces_retrys_total[5m])' },
        { source: 'label', expr: 'sum(rate(mcp_server_operation_duration_seconds_count{error_typ="internal"}[5m]))' },
        { source: 'syntax', expr: 'sum(rate(ispw_mcp_ready[5m])' },
        { source: 'slo', expr: 'ispw_mcp_slo:sli_error:ratio_rate1h{slo="no-such-slo"}' },
      ],
      exported,
    );
    expect(problems.map((p) => p.source)).toEqual(['typo', 'label', 'syntax', 'slo']);
    expect(problems[0]!.problem).toMatch(/ispw_mcp_ces_retrys_total is not exported/);
    expect(problems[1]!.problem).toMatch(/no label error_typ/);
    expect(problems[2]!.problem).toMatch(/not valid PromQL/);
  });
});

describe('the SLO definitions', () => {
  it('the read-latency SLO selects exactly the read tools', () => {
    const readLatency = loadSloSpec(new URL(`file://${ROOT}`)).slos.find((s) => s.name === 'read-latency')!;
    const pattern = selectorsIn(readLatency.total)[0]!.matchers.find((m) => m.label === 'gen_ai_tool_name')!.value;
    const matches = new RegExp(`^(?:${pattern})$`);
    for (const tool of ALL_TOOLS) expect(matches.test(tool.name), `${tool.name} (${tool.kind})`).toBe(tool.kind === 'read');
  });
});
