// Metrics of the built HTTP server after a mixed workload (successes, CES 404, a retried 503, a
// 429, a write with a set wait, a refused argument): names, types and label sets, default process
// metrics, and bounded labels — no ids, no user names, no token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { connectHttp } from '../support/clients.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { parsePrometheus } from '../telemetry/prometheus-text.js';

const TOKEN = 'metrics-canary-0c9e7d5a-41f2';
let sim: RunningSimulator;
let server: ServerProcess;

beforeAll(async () => {
  sim = await startSimulator({ tokens: [TOKEN], stepMs: 0 });
  server = await startServerProcess(
    ['serve', '--transport', 'http', '--port', '0'],
    serverEnv({ ISPW_MCP_CES_URL: sim.url, ISPW_MCP_SRID: sim.srids[0]!, ISPW_MCP_CES_TOKEN: TOKEN, ISPW_MCP_POLL_INTERVAL_MS: '20' }),
  );
});
afterAll(async () => {
  await server?.stop();
  await sim?.close();
});

describe('metrics', () => {
  it('exposes bounded, correctly typed metrics after a mixed workload', async () => {
    const { client } = await connectHttp(server.url, '2026');
    try {
      const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
      expect((await call('ispw_get_assignment', { assignment_id: DEMO.assignmentId })).isError).toBeFalsy();
      expect((await call('ispw_get_assignment', { assignment_id: 'PLAY999999' })).isError).toBe(true);
      sim.setFaults([{ kind: 'error', status: 503, method: 'GET', count: 1 }]);
      expect((await call('ispw_get_assignment', { assignment_id: DEMO.assignmentId })).isError).toBeFalsy();
      sim.setFaults([{ kind: 'rateLimit', retryAfterSeconds: 0, count: 1 }]);
      expect((await call('ispw_list_assignments', { application: 'PLAY' })).isError).toBeFalsy();
      sim.setFaults([]);
      const generated = await call('ispw_generate', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1', wait_seconds: 10 });
      expect(generated.isError, JSON.stringify(generated.content)).toBeFalsy();
      expect(
        (
          await call('ispw_generate', {
            container_type: 'assignment',
            container_id: DEMO.assignmentId,
            level: 'DEV1',
            task_ids: ['7E3A5D04D0C2'],
            module_name: 'X',
          })
        ).isError,
      ).toBe(true);
    } finally {
      await client.close();
    }

    const response = await fetch(new URL('/metrics', server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const { types, samples } = parsePrometheus(text);

    const expectedTypes: Record<string, string> = {
      mcp_server_operation_duration_seconds: 'histogram',
      ispw_mcp_inflight_tool_calls: 'gauge',
      ispw_mcp_ces_request_duration_seconds: 'histogram',
      ispw_mcp_ces_retries_total: 'counter',
      ispw_mcp_ces_circuit_breaker_state: 'gauge',
      ispw_mcp_set_waits_total: 'counter',
      ispw_mcp_set_wait_duration_seconds: 'histogram',
      ispw_mcp_policy_denials_total: 'counter',
      ispw_mcp_confirmations_total: 'counter',
      ispw_mcp_auth_failures_total: 'counter',
      ispw_mcp_rate_limited_total: 'counter',
      ispw_mcp_audit_events_total: 'counter',
      ispw_mcp_audit_write_failures_total: 'counter',
      ispw_mcp_secret_reloads_total: 'counter',
      ispw_mcp_ready: 'gauge',
      ispw_mcp_build_info: 'gauge',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expectedTypes)) expect(types.get(name), name).toBe(type);

    const labelSets: Record<string, string[]> = {
      mcp_server_operation_duration_seconds_bucket: ['error_type', 'gen_ai_tool_name', 'le', 'mcp_method_name'],
      mcp_server_operation_duration_seconds_count: ['error_type', 'gen_ai_tool_name', 'mcp_method_name'],
      ispw_mcp_ces_request_duration_seconds_count: ['ces_instance', 'http_request_method', 'operation', 'status_class'],
      ispw_mcp_ces_retries_total: ['ces_instance', 'operation'],
      ispw_mcp_ces_circuit_breaker_state: ['ces_instance', 'state'],
      ispw_mcp_set_waits_total: ['outcome', 'tool'],
      ispw_mcp_rate_limited_total: ['source'],
      ispw_mcp_audit_events_total: ['type'],
    };
    for (const [name, labels] of Object.entries(labelSets)) {
      const found = samples.filter((s) => s.name === name);
      expect(found.length, name).toBeGreaterThan(0);
      for (const s of found) expect(Object.keys(s.labels).sort(), name).toEqual(labels);
    }

    const value = (name: string, labels: Record<string, string>) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
    const tool = (t: string, error = '') =>
      value('mcp_server_operation_duration_seconds_count', { mcp_method_name: 'tools/call', gen_ai_tool_name: t, error_type: error });
    expect(tool('ispw_get_assignment')).toBe(2);
    expect(tool('ispw_get_assignment', 'ces_not_found')).toBe(1);
    expect(tool('ispw_generate')).toBe(1);
    expect(tool('ispw_generate', 'invalid_arguments')).toBe(1);
    expect(value('ispw_mcp_ces_request_duration_seconds_count', { operation: 'assignment.get', status_class: '5xx' })).toBe(1);
    expect(value('ispw_mcp_ces_request_duration_seconds_count', { operation: 'assignment.get', status_class: '4xx' })).toBe(1);
    expect(value('ispw_mcp_ces_request_duration_seconds_count', { operation: 'assignment.generate', http_request_method: 'POST', status_class: '2xx' })).toBe(
      1,
    );
    expect(value('ispw_mcp_ces_retries_total', { operation: 'assignment.get' })).toBe(1);
    expect(value('ispw_mcp_rate_limited_total', { source: 'ces' })).toBe(1);
    expect(value('ispw_mcp_set_waits_total', { tool: 'ispw_generate', outcome: 'succeeded' })).toBe(1);
    expect(value('ispw_mcp_audit_events_total', { type: 'write.attempt' })).toBe(2);
    expect(value('ispw_mcp_audit_events_total', { type: 'write.outcome' })).toBe(2);
    expect(value('ispw_mcp_ces_circuit_breaker_state', { ces_instance: 'default', state: 'closed' })).toBe(1);
    expect(value('ispw_mcp_inflight_tool_calls', {})).toBe(0);

    // Bounded labels: every value comes from a closed set; no ids, tokens or correlation ids.
    const allowed =
      /^(tools\/call|ispw_[a-z_]+|ces_[a-z_]+|invalid_arguments|internal|cancelled|audit_unavailable|default|[a-z]+(\.[a-zA-Z]+)*|GET|POST|[2-5]xx|timeout|transport|tls|refused|aborted|closed|open|half-open|write\.(attempt|outcome)|[+\d.e]+|\+Inf|v?\d+\.\d+\.\d+.*|)$/;
    const ours = samples.filter((s) => /^(ispw_mcp|mcp)_/.test(s.name));
    expect(ours.length).toBeGreaterThan(50);
    for (const s of ours) for (const [k, v] of Object.entries(s.labels)) expect(v, `${s.name} ${k}`).toMatch(allowed);
    for (const forbidden of [TOKEN, DEMO.assignmentId, 'PLAY999999', '7E3A5D04D0C2', DEMO.srid]) expect(text).not.toContain(forbidden);
  });
});
