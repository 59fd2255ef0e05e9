// The Grafana dashboard (deploy/monitoring/grafana/ispw-mcp-overview.json), generated from a
// compact panel list: SLOs (from the SLO spec), golden signals per tool and per CES instance, set
// waits, policy and confirmations, audit health, saturation, secrets and certificates. Every
// expression is parsed and checked against the server's real metric names by test/ops/metric-names.test.ts.
import { budgetOf, type SloSpec } from './slo-spec.js';
import { errorRatio } from './slo-rules.js';

export const DASHBOARD_PATH = 'deploy/monitoring/grafana/ispw-mcp-overview.json';

/** Label matchers every query carries: the dashboard's namespace and job variables. */
const SCOPE = 'namespace=~"$namespace",job=~"$job"';
const RATE = '[$__rate_interval]';
const op = (extra = '') => `mcp_server_operation_duration_seconds_count{${SCOPE},mcp_method_name="tools/call",gen_ai_tool_name=~"$tool"${extra}}`;
const opBucket = `mcp_server_operation_duration_seconds_bucket{${SCOPE},mcp_method_name="tools/call",gen_ai_tool_name=~"$tool"}`;
const ces = (extra = '') => `ispw_mcp_ces_request_duration_seconds_count{${SCOPE},ces_instance=~"$ces_instance"${extra}}`;
const cesBucket = `ispw_mcp_ces_request_duration_seconds_bucket{${SCOPE},ces_instance=~"$ces_instance"}`;
const m = (name: string, extra = '') => `${name}{${SCOPE}${extra}}`;

interface Query {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  type?: 'timeseries' | 'stat' | 'state-timeline';
  unit?: string;
  width?: number;
  queries: Query[];
  /** Red above this value (stat panels and timeseries thresholds). */
  redAbove?: number;
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

function sloRow(spec: SloSpec): RowSpec {
  return {
    title: 'Service level objectives (28 days, docs/slo.md)',
    panels: [
      {
        title: 'Error ratio per SLO (1 h)',
        description:
          'Share of bad events over the last hour, per SLO (recording rules from deploy/monitoring/slos.yaml). Burn-rate alerts compare it with the error budget.',
        unit: 'percentunit',
        width: 12,
        queries: [{ expr: `${errorRatio('1h')}{${SCOPE}}`, legend: '{{slo}} {{ces_instance}}' }],
      },
      {
        title: 'Burn rate per SLO (1 h)',
        description: 'Error ratio divided by the error budget: 1 spends the budget exactly in 28 days; 14.4 over 1 h pages.',
        width: 12,
        redAbove: 14.4,
        queries: spec.slos.map((slo) => ({
          expr: `${errorRatio('1h')}{${SCOPE},slo="${slo.name}"} / ${budgetOf(slo)}`,
          legend: `${slo.name} {{ces_instance}}`,
        })),
      },
      ...spec.slos.map((slo): PanelSpec => ({
        title: `Budget left: ${slo.title}`,
        description: `Share of the 28-day error budget (objective ${slo.objective}) not yet spent. Below 0 the SLO is missed: see the error budget policy in docs/slo.md.`,
        type: 'stat',
        unit: 'percentunit',
        width: Math.floor(24 / spec.slos.length),
        queries: [{ expr: budgetLeftExpr(slo, spec.window), legend: slo.by.includes('ces_instance') ? '{{ces_instance}}' : slo.name }],
      })),
    ],
  };
}

/** 1 - (bad / total over the SLO window) / budget, at the SLO's level, for the dashboard's scope. */
function budgetLeftExpr(slo: SloSpec['slos'][number], window: string): string {
  const scoped = (selector: string) => (selector.includes('{') ? selector.replace('{', `{${SCOPE},`) : `${selector}{${SCOPE}}`);
  const by = slo.by.includes('ces_instance') ? 'sum by (ces_instance)' : 'sum';
  const total = `${by} (increase(${scoped(slo.total)}[${window}]))`;
  // No bad event yet means no series: `or total * 0` shows a full budget rather than no data.
  const bad =
    slo.good !== undefined
      ? `(${total} - ${by} (increase(${scoped(slo.good)}[${window}])))`
      : `(${by} (increase(${scoped(slo.errors!)}[${window}])) or ${total} * 0)`;
  return `1 - (${bad} / ${total}) / ${budgetOf(slo)}`;
}

const ROWS = (spec: SloSpec): RowSpec[] => [
  sloRow(spec),
  {
    title: 'Tool calls: golden signals per tool',
    panels: [
      {
        title: 'Calls per second by tool',
        description: 'tools/call rate per tool.',
        unit: 'reqps',
        queries: [{ expr: `sum by (gen_ai_tool_name) (rate(${op()}${RATE}))`, legend: '{{gen_ai_tool_name}}' }],
      },
      {
        title: 'Failed calls by error type',
        description:
          'Failed tools/call by error_type. Server-side: internal, audit_unavailable, limited, ces_server, ces_timeout, ces_unavailable, ces_bad_reply; the rest are caller mistakes, denials and CES 4xx answers.',
        unit: 'reqps',
        queries: [{ expr: `sum by (error_type) (rate(${op(',error_type!=""')}${RATE}))`, legend: '{{error_type}}' }],
      },
      {
        title: 'Latency p95 by tool',
        description: '95th percentile of tools/call duration per tool (writes include set waits).',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.95, sum by (le, gen_ai_tool_name) (rate(${opBucket}${RATE})))`, legend: '{{gen_ai_tool_name}}' }],
      },
    ],
  },
  {
    title: 'CES per instance',
    panels: [
      {
        title: 'CES requests by status class',
        description: 'Every HTTP attempt to CES (retries included) by instance and status class; timeout, transport, tls and refused mean CES did not answer.',
        unit: 'reqps',
        queries: [{ expr: `sum by (ces_instance, status_class) (rate(${ces()}${RATE}))`, legend: '{{ces_instance}} {{status_class}}' }],
      },
      {
        title: 'CES latency p95 by instance',
        description: '95th percentile of answered CES requests per instance (the -await operations block by design and are left out).',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, ces_instance) (rate(${cesBucket.replace('}', ',status_class=~"[2-5]xx",operation!~".*[Aa]wait"}')}${RATE})))`,
            legend: '{{ces_instance}}',
          },
        ],
      },
      {
        title: 'Circuit breaker',
        description: 'Breaker state per CES instance and replica: open fails calls at once without reaching CES.',
        type: 'state-timeline',
        queries: [
          {
            expr: `max by (ces_instance, state) (${m('ispw_mcp_ces_circuit_breaker_state', ',ces_instance=~"$ces_instance"')}) == 1`,
            legend: '{{ces_instance}} {{state}}',
          },
        ],
      },
      {
        title: 'Retries and rate limits',
        description:
          'CES retries per instance; calls refused by rate limits (ces: CES answered 429; server: per-caller limit; concurrency: per-instance CES limit).',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (ces_instance) (rate(${m('ispw_mcp_ces_retries_total', ',ces_instance=~"$ces_instance"')}${RATE}))`,
            legend: 'retries {{ces_instance}}',
          },
          { expr: `sum by (source) (rate(${m('ispw_mcp_rate_limited_total')}${RATE}))`, legend: 'rate limited: {{source}}' },
        ],
      },
    ],
  },
  {
    title: 'Set waits',
    panels: [
      {
        title: 'Set waits by outcome',
        description: 'Waits of lifecycle tools called with wait_seconds, by how they ended (running: the wait budget ran out).',
        unit: 'ops',
        queries: [{ expr: `sum by (tool, outcome) (increase(${m('ispw_mcp_set_waits_total', ',tool=~"$tool"')}[$__range]))`, legend: '{{tool}} {{outcome}}' }],
      },
      {
        title: 'Set wait duration p95',
        description: '95th percentile of the time spent waiting for a set, by tool.',
        unit: 's',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (le, tool) (rate(${m('ispw_mcp_set_wait_duration_seconds_bucket', ',tool=~"$tool"')}${RATE})))`,
            legend: '{{tool}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Policy, confirmations and authentication',
    panels: [
      {
        title: 'Policy denials by rule',
        description: 'Calls denied by the lifecycle policy: freeze windows, the ticket rule, deny rules, the default.',
        unit: 'ops',
        queries: [{ expr: `sum by (rule, tool) (increase(${m('ispw_mcp_policy_denials_total')}[$__range]))`, legend: '{{rule}} {{tool}}' }],
      },
      {
        title: 'Confirmations',
        description: 'Confirmation tokens issued, redeemed and refused (with the reason).',
        unit: 'ops',
        queries: [{ expr: `sum by (result, reason) (increase(${m('ispw_mcp_confirmations_total')}[$__range]))`, legend: '{{result}} {{reason}}' }],
      },
      {
        title: 'Rejected callers by reason',
        description:
          'Authentication and scope failures; bad_signature, unknown_key, wrong_issuer, wrong_audience, token_in_query and untrusted certificates are suspicious.',
        unit: 'ops',
        queries: [{ expr: `sum by (reason) (increase(${m('ispw_mcp_auth_failures_total')}[$__range]))`, legend: '{{reason}}' }],
      },
    ],
  },
  {
    title: 'Audit trail',
    panels: [
      {
        title: 'Audit events written',
        description: 'Audit events written per type; rotations of the audit file; torn tails recovered at start-up (audit.recovered).',
        unit: 'ops',
        queries: [
          { expr: `sum by (type) (increase(${m('ispw_mcp_audit_events_total')}[$__range]))`, legend: '{{type}}' },
          { expr: `sum by (trigger, result) (increase(${m('ispw_mcp_audit_rotations_total')}[$__range]))`, legend: 'rotation {{trigger}} {{result}}' },
          { expr: `sum(increase(${m('ispw_mcp_audit_recoveries_total')}[$__range]))`, legend: 'torn tails recovered' },
        ],
      },
      {
        title: 'Audit sink writable',
        description: '1: the audit sink takes writes; 0: it refuses them (fail-closed replicas refuse write tools and are not ready).',
        type: 'stat',
        queries: [{ expr: `min by (pod) (${m('ispw_mcp_audit_sink_writable')})`, legend: '{{pod}}' }],
      },
      {
        title: 'Audit write failures',
        description: 'Audit events that could not be written, and write calls refused for it (fail-closed). Anything above 0 pages.',
        unit: 'ops',
        redAbove: 0,
        queries: [
          { expr: `sum by (pod, type) (increase(${m('ispw_mcp_audit_write_failures_total')}[$__range]))`, legend: 'failed {{type}} {{pod}}' },
          { expr: `sum by (pod) (increase(${op(',error_type="audit_unavailable"')}[$__range]))`, legend: 'refused calls {{pod}}' },
        ],
      },
    ],
  },
  {
    title: 'Saturation and health',
    panels: [
      {
        title: 'In-flight tool calls',
        description: 'Tool calls running now, per replica.',
        queries: [{ expr: `sum by (pod) (${m('ispw_mcp_inflight_tool_calls')})`, legend: '{{pod}}' }],
      },
      {
        title: 'Event-loop lag p99',
        description: 'Event-loop lag at the 99th percentile per replica; above 250 ms for 10 minutes opens a ticket.',
        unit: 's',
        redAbove: 0.25,
        queries: [{ expr: `max by (pod) (${m('nodejs_eventloop_lag_p99_seconds')})`, legend: '{{pod}}' }],
      },
      {
        title: 'Resident memory',
        description: 'RSS per replica (compare with the container memory limit).',
        unit: 'bytes',
        queries: [{ expr: `sum by (pod) (${m('process_resident_memory_bytes')})`, legend: '{{pod}}' }],
      },
      {
        title: 'CPU',
        description: 'CPU seconds per second per replica.',
        unit: 'percentunit',
        queries: [{ expr: `sum by (pod) (rate(${m('process_cpu_seconds_total')}${RATE}))`, legend: '{{pod}}' }],
      },
      {
        title: 'Ready replicas',
        description: 'Replicas whose last readiness check passed.',
        type: 'stat',
        queries: [{ expr: `sum(${m('ispw_mcp_ready')})`, legend: 'ready' }],
      },
      {
        title: 'Restarts',
        description: 'Process restarts per replica over the time range.',
        unit: 'short',
        queries: [{ expr: `changes(${m('process_start_time_seconds')}[$__range])`, legend: '{{pod}}' }],
      },
    ],
  },
  {
    title: 'Secrets and certificates',
    panels: [
      {
        title: 'Secret reloads',
        description: 'Rotated secret files re-read (ok) or found unreadable (failed: the last good value stays).',
        unit: 'ops',
        queries: [{ expr: `sum by (result) (increase(${m('ispw_mcp_secret_reloads_total')}[$__range]))`, legend: '{{result}}' }],
      },
      {
        title: 'Shared confirmation key',
        description: '1: confirmation tokens are signed with the shared key file; 0: a per-process or unusable key.',
        type: 'stat',
        queries: [{ expr: `min by (pod) (${m('ispw_mcp_confirmation_key_shared')})`, legend: '{{pod}}' }],
      },
      {
        title: 'Days until certificates expire',
        description: 'CES client and CA certificates, the listener certificate and its client CA. Below 21 days opens a ticket, below 7 pages.',
        unit: 'd',
        queries: [
          {
            expr: `min by (kind, ces_instance) (${m('ispw_mcp_certificate_expiry_timestamp_seconds')} - time()) / 86400`,
            legend: '{{kind}} {{ces_instance}}',
          },
        ],
      },
    ],
  },
];

function panelJson(panel: PanelSpec, id: number, x: number, y: number, width: number) {
  const type = panel.type ?? 'timeseries';
  const thresholds = {
    mode: 'absolute',
    steps: [{ color: 'green', value: null }, ...(panel.redAbove !== undefined ? [{ color: 'red', value: panel.redAbove }] : [])],
  };
  return {
    id,
    type,
    title: panel.title,
    description: panel.description,
    datasource: { type: 'prometheus', uid: '${datasource}' },
    gridPos: { h: 8, w: width, x, y },
    fieldConfig: { defaults: { unit: panel.unit ?? 'short', thresholds }, overrides: [] },
    options:
      type === 'stat'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' }
        : { legend: { displayMode: 'list', placement: 'bottom' } },
    targets: panel.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      expr: q.expr,
      legendFormat: q.legend,
      datasource: { type: 'prometheus', uid: '${datasource}' },
    })),
  };
}

const variable = (name: string, label: string, query: string) => ({
  name,
  label,
  type: 'query',
  datasource: { type: 'prometheus', uid: '${datasource}' },
  query: { query, refId: name },
  definition: query,
  includeAll: true,
  multi: true,
  allValue: '.*',
  current: { selected: true, text: ['All'], value: ['$__all'] },
  refresh: 2,
  sort: 1,
});

export function renderDashboard(spec: SloSpec): string {
  const panels: unknown[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS(spec)) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y++ }, panels: [] });
    let x = 0;
    for (const panel of row.panels) {
      const width = panel.width ?? (row.panels.length >= 3 ? 8 : 12);
      if (x + width > 24) {
        x = 0;
        y += 8;
      }
      panels.push(panelJson(panel, id++, x, y, width));
      x += width;
    }
    y += 8;
  }
  const dashboard = {
    uid: 'ispw-mcp-overview',
    title: 'ispw-mcp overview',
    description:
      'ispw-mcp: SLOs, golden signals per tool and CES instance, set waits, policy, audit, saturation. Generated by `npm run monitoring` (scripts/ops/dashboard.ts).',
    tags: ['ispw-mcp', 'mcp', 'mainframe'],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    timezone: 'utc',
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        variable('namespace', 'Namespace', 'label_values(ispw_mcp_build_info, namespace)'),
        variable('job', 'Job', 'label_values(ispw_mcp_build_info{namespace=~"$namespace"}, job)'),
        variable('tool', 'Tool', 'label_values(mcp_server_operation_duration_seconds_count{namespace=~"$namespace",job=~"$job"}, gen_ai_tool_name)'),
        variable(
          'ces_instance',
          'CES instance',
          'label_values(ispw_mcp_ces_request_duration_seconds_count{namespace=~"$namespace",job=~"$job"}, ces_instance)',
        ),
      ],
    },
    annotations: { list: [] },
    panels,
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
