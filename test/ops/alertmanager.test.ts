// The Alertmanager example (deploy/monitoring/alertmanager): amtool accepts it, every alert of the
// rule files routes by its severity and team, and a real Alertmanager delivers pages to PagerDuty
// and tickets to Opsgenie (loopback stand-ins written here) while a page mutes the tickets it
// explains — and lets them through once it resolves. Negative cases show each gate can fail.
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { freePort, startProcess, until, type Proc } from './support/processes.js';
import { alertRules } from './support/rules.js';
import { opsTool, repoPath, run } from './support/tools.js';

const CONFIG = 'deploy/monitoring/alertmanager/alertmanager.yaml';
const amtool = opsTool('amtool');
const scratch = mkdtempSync(join(tmpdir(), 'issue-16-operations-am-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const routeTest = (receiver: string, labels: Record<string, string>, config = repoPath(CONFIG)) =>
  run(amtool, [
    'config',
    'routes',
    'test',
    `--config.file=${config}`,
    `--verify.receivers=${receiver}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ]);

describe('amtool', () => {
  it('check-config accepts the example, templates included', async () => {
    const result = await run(amtool, ['check-config', repoPath(CONFIG)]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/3 receivers/);
    expect(result.stdout).toMatch(/1 templates/);
  });

  it('check-config refuses a route to a receiver that does not exist', async () => {
    const config = parse(readFileSync(repoPath(CONFIG), 'utf8'));
    config.route.routes[1].receiver = 'pagerduty-nobody';
    const path = join(scratch, 'broken.yaml');
    writeFileSync(path, stringify(config));
    const result = await run(amtool, ['check-config', path]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/undefined receiver "pagerduty-nobody"/);
  });

  it('routes every alert of the rule files: pages to PagerDuty, tickets to Opsgenie, security to its team', async () => {
    const alerts = alertRules();
    expect(alerts.length).toBeGreaterThan(15);
    for (const a of alerts) {
      const expected = a.labels.team === 'security' ? 'opsgenie-security' : a.labels.severity === 'page' ? 'pagerduty-platform' : 'opsgenie-platform';
      const result = await routeTest(expected, { alertname: a.alert, namespace: 'ispw', ...a.labels });
      expect(result.code, `${a.alert} (${a.labels.severity}) → ${expected}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  });

  it('route tests fail when the receiver is not the expected one', async () => {
    const result = await routeTest('pagerduty-platform', { alertname: 'IspwMcpNotReady', severity: 'ticket', category: 'symptom' });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/did not match/);
  });
});

interface Delivery {
  receiver: 'pagerduty' | 'opsgenie';
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** Stands in for PagerDuty's Events API v2 and Opsgenie's Alert API, recording every notification. */
async function startNotificationSink(): Promise<{ server: Server; url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => void receive(req, res));
  async function receive(req: IncomingMessage, res: ServerResponse) {
    let text = '';
    for await (const chunk of req) text += chunk;
    const receiver = req.url!.startsWith('/pagerduty') ? 'pagerduty' : 'opsgenie';
    deliveries.push({ receiver, path: req.url!, authorization: req.headers.authorization, body: text ? JSON.parse(text) : {} });
    res
      .writeHead(202, { 'content-type': 'application/json' })
      .end(receiver === 'pagerduty' ? '{"status":"success","dedup_key":"x"}' : '{"result":"Request will be processed","requestId":"r"}');
  }
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, deliveries };
}

const ROUTING_KEY = 'pd-routing-key-canary-5c1e0a';
const API_KEY = 'opsgenie-api-key-canary-8b2d41';

/**
 * Alertmanager with the example as shipped, except: notification endpoints on loopback, the secret
 * files in a temporary directory, and short grouping timers so the test does not wait minutes.
 * `withoutInhibitions` drops the inhibit rules (the negative case).
 */
async function startAlertmanager(sinkUrl: string, name: string, withoutInhibitions = false): Promise<{ am: Proc; api: string }> {
  const dir = join(scratch, name);
  mkdirSync(dir);
  const config = parse(readFileSync(repoPath(CONFIG), 'utf8'));
  config.global.pagerduty_url = `${sinkUrl}/pagerduty/v2/enqueue`;
  config.global.opsgenie_api_url = `${sinkUrl}/opsgenie/`;
  config.templates = [repoPath('deploy/monitoring/alertmanager/ispw-mcp.tmpl')];
  const timers = (route: Record<string, unknown>) => Object.assign(route, { group_wait: '1s', group_interval: '2s' });
  timers(config.route);
  config.route.routes.forEach(timers);
  if (withoutInhibitions) delete config.inhibit_rules;
  writeFileSync(join(dir, 'routing-key'), ROUTING_KEY);
  writeFileSync(join(dir, 'api-key'), API_KEY);
  for (const r of config.receivers) {
    for (const p of r.pagerduty_configs ?? []) p.routing_key_file = join(dir, 'routing-key');
    for (const o of r.opsgenie_configs ?? []) o.api_key_file = join(dir, 'api-key');
  }
  writeFileSync(join(dir, 'alertmanager.yaml'), stringify(config));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const am = startProcess(opsTool('alertmanager'), [
    `--config.file=${join(dir, 'alertmanager.yaml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  await until('Alertmanager to be ready', async () => ((await fetch(`${api}/-/ready`).catch(() => undefined))?.ok ? true : undefined), 30_000);
  return { am, api };
}

const postAlerts = async (api: string, alerts: { labels: Record<string, string>; annotations?: Record<string, string>; endsAt?: string }[]) => {
  const response = await fetch(`${api}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  expect(response.status, await response.text()).toBe(200);
};
const annotations = (runbook: string) => ({ summary: 'test summary', description: 'test description', runbook_url: runbook });
const PAGE = {
  alertname: 'IspwMcpToolCallErrorBudgetBurn',
  severity: 'page',
  category: 'slo',
  slo: 'tool-call-availability',
  namespace: 'ispw',
  job: 'ispw-mcp',
};
const TICKET_SAME_ALERT = { ...PAGE, severity: 'ticket' };
const SYMPTOM = {
  alertname: 'IspwMcpCesCircuitBreakerOpen',
  severity: 'ticket',
  category: 'symptom',
  namespace: 'ispw',
  job: 'ispw-mcp',
  ces_instance: 'prod',
};
const SYMPTOM_ELSEWHERE = { ...SYMPTOM, namespace: 'other' };
const SECURITY = { alertname: 'IspwMcpSuspiciousAuthFailures', severity: 'ticket', category: 'symptom', team: 'security', namespace: 'ispw', job: 'ispw-mcp' };
const INCIDENT = [
  { labels: PAGE, annotations: annotations('docs/runbooks/tool-call-availability.md') },
  { labels: TICKET_SAME_ALERT, annotations: annotations('docs/runbooks/tool-call-availability.md') },
  { labels: SYMPTOM, annotations: annotations('docs/runbooks/ces-down-slow.md#breaker-open') },
  { labels: SYMPTOM_ELSEWHERE, annotations: annotations('docs/runbooks/ces-down-slow.md#breaker-open') },
  { labels: SECURITY, annotations: annotations('docs/runbooks/suspected-token-leak.md') },
];
const firingFor = (alertname: string, namespace: string) => (d: Delivery) =>
  JSON.stringify(d.body).includes(alertname) && JSON.stringify(d.body).includes(`namespace=${namespace}`) && !d.path.includes('/close');

describe('a real Alertmanager with the example configuration', () => {
  let sink: Awaited<ReturnType<typeof startNotificationSink>>;
  let am: Proc;
  let api: string;

  beforeAll(async () => {
    sink = await startNotificationSink();
    ({ am, api } = await startAlertmanager(sink.url, 'example'));
  });
  afterAll(async () => {
    await am?.stop();
    sink?.server.close();
  });

  it('pages PagerDuty, tickets Opsgenie, and mutes the tickets the page explains', async () => {
    await postAlerts(api, INCIDENT);
    const page = await until('the page at PagerDuty', () => sink.deliveries.find((d) => d.receiver === 'pagerduty'));
    await until('the uninhibited ticket at Opsgenie', () =>
      sink.deliveries.find((d) => d.receiver === 'opsgenie' && firingFor('IspwMcpCesCircuitBreakerOpen', 'other')(d)),
    );
    const security = await until('the security ticket', () =>
      sink.deliveries.find((d) => d.receiver === 'opsgenie' && JSON.stringify(d.body).includes('IspwMcpSuspiciousAuthFailures')),
    );

    // PagerDuty: the routing key from its file, the runbook as a link.
    expect(page.body.routing_key).toBe(ROUTING_KEY);
    expect(page.body.event_action).toBe('trigger');
    expect(JSON.stringify(page.body.links)).toContain('https://git.example.com/platform/ispw-mcp/-/blob/main/docs/runbooks/tool-call-availability.md');
    expect(String((page.body.payload as { summary: string }).summary)).toMatch(/^\[FIRING:1\] IspwMcpToolCallErrorBudgetBurn \(ispw\): test summary/);
    // Opsgenie: the API key from its file; the security team for security findings.
    expect(security.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(JSON.stringify(security.body.responders)).toContain('security-operations');
    expect(security.body.priority).toBe('P2');

    // The muted alerts are marked so in Alertmanager and were never notified.
    const alerts = (await (await fetch(`${api}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      status: { state: string; inhibitedBy: string[] };
    }[];
    const state = (labels: Record<string, string>) => alerts.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v))!.status;
    expect(state(TICKET_SAME_ALERT).state).toBe('suppressed');
    expect(state(TICKET_SAME_ALERT).inhibitedBy.length).toBeGreaterThan(0);
    expect(state(SYMPTOM).state).toBe('suppressed');
    expect(state(SYMPTOM_ELSEWHERE).state).toBe('active');
    expect(state(SECURITY).state).toBe('active');
    // Two more grouping intervals: what the page mutes still has not been sent.
    await new Promise((r) => setTimeout(r, 4_500));
    expect(sink.deliveries.filter(firingFor('IspwMcpCesCircuitBreakerOpen', 'ispw'))).toEqual([]);
    expect(sink.deliveries.filter((d) => d.receiver === 'opsgenie' && JSON.stringify(d.body).includes('IspwMcpToolCallErrorBudgetBurn'))).toEqual([]);
  });

  it('lets the muted tickets through once the page resolves', async () => {
    await postAlerts(api, [
      { labels: PAGE, annotations: annotations('docs/runbooks/tool-call-availability.md'), endsAt: new Date(Date.now() - 1000).toISOString() },
    ]);
    await until('the symptom ticket after the page resolved', () =>
      sink.deliveries.find((d) => d.receiver === 'opsgenie' && firingFor('IspwMcpCesCircuitBreakerOpen', 'ispw')(d)),
    );
    await until('the ticket tier after the page resolved', () =>
      sink.deliveries.find((d) => d.receiver === 'opsgenie' && JSON.stringify(d.body).includes('IspwMcpToolCallErrorBudgetBurn')),
    );
    await until('the resolution at PagerDuty', () => sink.deliveries.find((d) => d.receiver === 'pagerduty' && d.body.event_action === 'resolve'));
    // No secret in Alertmanager's own log.
    expect(am.output()).not.toContain(ROUTING_KEY);
    expect(am.output()).not.toContain(API_KEY);
  });
});

describe('the inhibition test', () => {
  it('sees the symptom ticket while the page fires when the inhibit rules are removed', async () => {
    const sink = await startNotificationSink();
    const { am, api } = await startAlertmanager(sink.url, 'no-inhibitions', true);
    try {
      await postAlerts(api, INCIDENT);
      await until('the symptom ticket of the paged namespace', () =>
        sink.deliveries.find((d) => d.receiver === 'opsgenie' && firingFor('IspwMcpCesCircuitBreakerOpen', 'ispw')(d)),
      );
      // Both notifications leave in the same grouping interval but in no set order: wait for the page too.
      await until('the page at PagerDuty', () => sink.deliveries.find((d) => d.receiver === 'pagerduty'));
    } finally {
      await am.stop();
      sink.server.close();
    }
  });
});
