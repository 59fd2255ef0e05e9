// Access control meets observability, over real server processes: a real issuer, per-user CES
// identity, a policy file (deny rule, freeze window, ticket rule, confirm rule), a shared
// confirmation key, limits and an audit file. Checks that each denial, confirmation, auth failure,
// limit and secret rotation shows in the scraped counters; that the audit file holds exactly the
// expected events (valid against the committed JSON Schema, chain verified by `audit verify`) with
// caller, auth method and CES identity and no secret; and that /readyz follows the access secrets
// (per-user token directory, confirmation key, listener TLS key).
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/server';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { AuditEvent } from '../../src/audit/schema.js';
import { verifyCli } from '../audit/fixtures.js';
import { tempDir } from '../support/audited-server.js';
import { createTestPki, type TestPki } from '../support/certs.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { parsePrometheus } from '../telemetry/prometheus-text.js';

const SERVICE = 'svc-token-access-obs-5d1c';
const SERVICE_ROTATED = 'svc-token-access-obs-rotated-8e2a';
const USER_CES = 'user-ces-token-access-obs-3f9b';
const CONFIRM_KEY = 'confirm-key-access-obs-0123456789abcdef-XYZ';
const AUDIENCE = 'https://ispw-mcp.test/mcp';
const POLICY = `
version: 1
ticket: { changeTypes: [E], pattern: 'CHG[0-9]{7}' }
freezes:
  - name: year-end
    start: '2000-01-01T00:00'
    end: '2100-01-01T00:00'
    timeZone: Europe/Berlin
    match: { operations: [fallback] }
    reason: year-end change freeze
rules:
  - name: no-prd
    match: { levels: [PRD] }
    decision: deny
    reason: production is out of bounds
  - name: promote-dev-confirm
    match: { operations: [promote], levels: ['DEV*'] }
    decision: confirm
`;

let sim: RunningSimulator;
let issuer: TestIssuer;
let pki: TestPki;
let server: ServerProcess;
let dir: string;
let auditFile: string;
const bearers: string[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  [sim, issuer, pki] = await Promise.all([startSimulator({ tokens: [SERVICE, SERVICE_ROTATED, USER_CES], stepMs: 0 }), startIssuer(), createTestPki()]);
  dir = tempDir();
  mkdirSync(join(dir, 'tokens'));
  for (const user of ['alice', 'bob', 'carol']) writeFileSync(join(dir, 'tokens', user), USER_CES);
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'confirm.key'), CONFIRM_KEY);
  writeFileSync(join(dir, 'ces.token'), SERVICE);
  auditFile = join(dir, 'audit.jsonl');
  server = await startServerProcess(
    ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
    serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN_FILE: join(dir, 'ces.token'),
      ISPW_MCP_AUTH_ISSUER: issuer.issuer,
      ISPW_MCP_AUTH_AUDIENCE: AUDIENCE,
      ISPW_MCP_IDENTITY_MODE: 'per-user',
      ISPW_MCP_IDENTITY_CLAIM: 'preferred_username',
      ISPW_MCP_USER_TOKEN_DIR: join(dir, 'tokens'),
      ISPW_MCP_POLICY_FILE: join(dir, 'policy.yaml'),
      ISPW_MCP_CONFIRM_KEY_FILE: join(dir, 'confirm.key'),
      ISPW_MCP_AUDIT_FILE: auditFile,
      ISPW_MCP_RATE_LIMIT_PER_MINUTE: '10',
      ISPW_MCP_CES_MAX_CONCURRENCY: '1',
      ISPW_MCP_READY_CACHE_SECONDS: '0',
      ISPW_MCP_HTTP_SESSIONS: 'stateless',
    }),
  );
}, 30_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.stop();
  await Promise.all([sim?.close(), issuer?.close()]);
});

const token = async (user: string, scope = 'ispw:read ispw:write ispw:deploy', extra: Record<string, unknown> = {}) => {
  const bearer = await issuer.mint({ sub: `id-${user}`, preferred_username: user, aud: AUDIENCE, scope, ...extra });
  bearers.push(bearer);
  return bearer;
};

async function as(user: string, scope?: string) {
  const bearer = await token(user, scope);
  const c = new Client({ name: `access-obs-${user}`, version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  clients.push(c);
  return async (name: string, args: Record<string, unknown>) => await c.callTool({ name, arguments: args });
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const posts = () => sim.requests.filter((r) => r.method === 'POST').length;
const rawCall = (headers: Record<string, string>, name = 'ispw_generate', url = server.url) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name, arguments: { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' } },
    }),
  });

const events = (): AuditEvent[] =>
  readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent);

async function scrape() {
  const { samples } = parsePrometheus(await (await fetch(new URL('/metrics', server.url))).text());
  return (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

/** Runs `act` and returns the audit events it added. */
async function added(act: () => Promise<unknown>): Promise<AuditEvent[]> {
  const before = events().length;
  await act();
  return events().slice(before);
}

const httpActor = (user: string) => ({ caller: `id-${user}`, authMethod: 'oauth', transport: 'http' });
const deployPrd = { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'PRD' };
const promote = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };

describe('audit events of denials and confirmations', () => {
  it('a policy deny rule, a freeze window and a missing ticket: one policy.denied each, nothing sent to CES', async () => {
    const alice = await as('alice');
    const postsBefore = posts();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ tool: 'ispw_deploy', args: deployPrd }, 'rule:no-prd', 'production is out of bounds'],
      [
        { tool: 'ispw_fallback', args: { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'QA' } },
        'freeze:year-end',
        'year-end change freeze',
      ],
      [
        { tool: 'ispw_generate', args: { container_type: 'assignment', container_id: DEMO.dev2AssignmentId, level: 'DEV2', change_type: 'E' } },
        'ticket',
        'needs a ticket',
      ],
    ];
    for (const [{ tool, args }, rule, reason] of cases) {
      let result: CallToolResult | undefined;
      const got = await added(async () => (result = await alice(tool as string, args as Record<string, unknown>)));
      expect(result!.isError, rule).toBe(true);
      expect(
        got.map((e) => e.type),
        rule,
      ).toEqual(['policy.denied']);
      const [e] = got as [AuditEvent];
      expect(e.actor).toMatchObject(httpActor('alice'));
      expect(e.ces).toEqual({ instance: 'default', srid: sim.srids[0], mainframeUser: 'user:alice' });
      expect(e.action).toMatchObject({ tool, cesOperations: [] });
      expect(e.decision).toMatchObject({ result: 'denied', rule, confirmationId: null });
      expect(e.decision.reason).toContain(reason);
      expect(e.outcome).toBeNull();
    }
    expect(posts()).toBe(postsBefore);
  });

  it('a write call without the needed scope: the gate answers 403 and writes exactly one auth.denied with the actor', async () => {
    const bearer = await token('dave', 'ispw:read');
    const got = await added(async () => {
      const response = await rawCall({ authorization: `Bearer ${bearer}` });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toMatch(/insufficient_scope.*scope="ispw:write"/);
    });
    expect(got.map((e) => e.type)).toEqual(['auth.denied']);
    const [e] = got as [AuditEvent];
    expect(e.actor).toMatchObject(httpActor('dave'));
    expect(e.ces).toEqual({ instance: 'default', srid: sim.srids[0], mainframeUser: null });
    expect(e.action).toEqual({ tool: 'ispw_generate', toolKind: 'write', cesOperations: [] });
    expect(e.target).toMatchObject({ containerType: 'assignment', containerId: DEMO.assignmentId, level: 'DEV1' });
    expect(e.decision).toEqual({ result: 'denied', rule: 'scope', confirmationId: null, reason: 'needs ispw:write', confirmation: null });
    expect(e.correlation.requestId).toBe('7');
  });

  it('a caller without a CES token mapping: one auth.denied from the call wrapper', async () => {
    const erin = await as('erin');
    const got = await added(async () => expect((await erin('ispw_generate', promote)).isError).toBe(true));
    expect(got.map((e) => e.type)).toEqual(['auth.denied']);
    expect(got[0]!.actor).toMatchObject(httpActor('erin'));
    expect(got[0]!.decision).toMatchObject({ result: 'denied', rule: 'identity' });
    expect(got[0]!.ces.mainframeUser).toBeNull();
  });

  it('a confirmation: the first call records that confirmation was required; the redeem an attempt and an outcome with its id', async () => {
    const alice = await as('alice');
    const postsBefore = posts();
    let first: CallToolResult | undefined;
    const asked = await added(async () => (first = await alice('ispw_promote', promote)));
    const s = first!.structuredContent as { confirmation_required: boolean; confirmation_token: string };
    expect(s.confirmation_required).toBe(true);
    expect(posts()).toBe(postsBefore);
    expect(asked.map((e) => e.type)).toEqual(['policy.confirmation_required']);
    const [q] = asked as [AuditEvent];
    expect(q.decision.result).toBe('confirmation_required');
    expect(q.decision.rule).toBe('rule:promote-dev-confirm');
    expect(q.decision.confirmationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(q.action.cesOperations).toEqual([]);
    expect(q.outcome).toBeNull();
    expect(q.ces).toEqual({ instance: 'default', srid: sim.srids[0], mainframeUser: 'user:alice' });
    bearers.push(s.confirmation_token);

    let done: CallToolResult | undefined;
    const redeemed = await added(async () => (done = await alice('ispw_promote', { ...promote, confirmation_token: s.confirmation_token })));
    expect(done!.isError, text(done!)).toBeFalsy();
    expect(redeemed.map((e) => e.type)).toEqual(['write.attempt', 'write.outcome']);
    for (const e of redeemed) {
      expect(e.decision).toMatchObject({ result: 'confirmed', rule: 'rule:promote-dev-confirm', confirmationId: q.decision.confirmationId });
      expect(e.decision.confirmation).toMatchObject({ kind: 'token', answer: 'accept' });
      expect(e.actor).toMatchObject(httpActor('alice'));
      expect(e.ces.mainframeUser).toBe('user:alice');
      expect(e.arguments).not.toHaveProperty('confirmation_token');
    }
    expect(redeemed[1]!.outcome?.result).toMatch(/succeeded|submitted/);
    expect(redeemed[1]!.action.cesOperations.map((op) => op.operation)).toEqual(['assignment.promote']);

    // A replay is refused: a policy.denied naming the confirmation failure.
    const replay = await added(async () => expect((await alice('ispw_promote', { ...promote, confirmation_token: s.confirmation_token })).isError).toBe(true));
    expect(replay.map((e) => [e.type, e.decision.rule])).toEqual([['policy.denied', 'confirmation:replayed']]);
  });

  it('every line is valid against the committed JSON Schema, the chain verifies, and no secret is in the file', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../docs/audit/audit-event.v2.schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const all = events();
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const e of all) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);

    const verify = verifyCli(auditFile);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.out).toMatch(new RegExp(`OK, ${all.length} events`));

    const raw = readFileSync(auditFile, 'utf8');
    for (const secret of [SERVICE, USER_CES, CONFIRM_KEY, ...bearers]) expect(raw).not.toContain(secret);
  });
});

describe('metrics of access control', () => {
  it('counts denials, confirmations, auth failures by reason and limits, with bounded labels', async () => {
    // Auth failures at the gate.
    expect((await rawCall({})).status).toBe(401);
    const expired = await issuer.mint({ sub: 'id-x', aud: AUDIENCE, scope: 'ispw:read', exp: Math.floor(Date.now() / 1000) - 600 });
    expect((await rawCall({ authorization: `Bearer ${expired}` })).status).toBe(401);
    const wrongAud = await issuer.mint({ sub: 'id-x', aud: 'https://elsewhere.test/mcp', scope: 'ispw:read' });
    expect((await rawCall({ authorization: `Bearer ${wrongAud}` })).status).toBe(401);
    const inQuery = await token('x');
    expect((await rawCall({}, 'ispw_generate', `${server.url}?access_token=${inQuery}`)).status).toBe(401);

    // The caller's rate limit (10 per minute): the 11th call is refused.
    const bob = await as('bob');
    const results: CallToolResult[] = [];
    for (let i = 0; i < 11; i++) results.push(await bob('ispw_get_assignment', { assignment_id: DEMO.assignmentId }));
    expect(results.slice(0, 10).every((r) => !r.isError)).toBe(true);
    expect(text(results[10]!)).toMatch(/Rate limit reached.*Retry after \d+ s/);

    // The CES concurrency limit (1, with a queue of 4): a burst of 8 slow reads has refusals.
    const carol = await as('carol');
    sim.setFaults([{ kind: 'latency', ms: 300, method: 'GET' }]);
    const burst = await Promise.all(Array.from({ length: 8 }, () => carol('ispw_get_assignment', { assignment_id: DEMO.assignmentId })));
    sim.setFaults([]);
    const refused = burst.filter((r) => /at its limit of 1 concurrent requests\. Retry after 2 s/.test(text(r)));
    expect(refused.length).toBeGreaterThan(0);

    const value = await scrape();
    const auth = (reason: string) => value('ispw_mcp_auth_failures_total', { reason });
    expect(auth('missing_token')).toBe(1);
    expect(auth('expired')).toBe(1);
    expect(auth('wrong_audience')).toBe(1);
    expect(auth('token_in_query')).toBe(1);
    expect(auth('insufficient_scope')).toBe(1); // dave, at the gate
    expect(auth('no_ces_identity')).toBe(1); // erin, in the call
    expect(value('ispw_mcp_policy_denials_total', { tool: 'ispw_deploy', rule: 'rule:no-prd' })).toBe(1);
    expect(value('ispw_mcp_policy_denials_total', { tool: 'ispw_fallback', rule: 'freeze:year-end' })).toBe(1);
    expect(value('ispw_mcp_policy_denials_total', { tool: 'ispw_generate', rule: 'ticket' })).toBe(1);
    expect(value('ispw_mcp_confirmations_total', { tool: 'ispw_promote', result: 'issued', reason: '' })).toBe(1);
    expect(value('ispw_mcp_confirmations_total', { tool: 'ispw_promote', result: 'redeemed', reason: 'token' })).toBe(1);
    expect(value('ispw_mcp_confirmations_total', { tool: 'ispw_promote', result: 'refused', reason: 'replayed' })).toBe(1);
    expect(value('ispw_mcp_rate_limited_total', { source: 'server' })).toBe(1);
    expect(value('ispw_mcp_rate_limited_total', { source: 'concurrency' })).toBe(refused.length);
    // The three policy denials, the replayed confirmation and the rate-limited call.
    expect(value('ispw_mcp_audit_events_total', { type: 'policy.denied' })).toBe(5);
    expect(value('ispw_mcp_audit_events_total', { type: 'auth.denied' })).toBe(2);
    expect(value('ispw_mcp_audit_events_total', { type: 'policy.confirmation_required' })).toBe(1);

    const metricsText = await (await fetch(new URL('/metrics', server.url))).text();
    for (const who of ['alice', 'bob', 'carol', 'dave', 'erin', 'id-']) expect(metricsText).not.toContain(who);
    for (const secret of [SERVICE, USER_CES, CONFIRM_KEY, ...bearers]) expect(metricsText).not.toContain(secret);
  });

  it('counts secret file rotations and failed re-reads', async () => {
    const reloads = async (result: string) => (await scrape())('ispw_mcp_secret_reloads_total', { result });
    const until = async (check: () => Promise<boolean>) => {
      for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await check()).toBe(true);
    };
    expect(await reloads('ok')).toBe(0);
    writeFileSync(join(dir, 'ces.token'), SERVICE_ROTATED);
    await until(async () => (await reloads('ok')) === 1);
    rmSync(join(dir, 'ces.token'));
    await until(async () => (await reloads('failed')) === 1);
    writeFileSync(join(dir, 'ces.token'), SERVICE_ROTATED);
    await until(async () => (await reloads('ok')) === 2);
  });
});

describe('readiness of the access-control secrets', () => {
  const readyz = async () => {
    const response = await fetch(new URL('/readyz', server.url));
    return { status: response.status, body: (await response.json()) as { checks: { secrets: { ok: boolean; missing: string[] } } } };
  };

  it('goes not-ready while the per-user token directory is missing or the confirmation key is too short', async () => {
    expect((await readyz()).status).toBe(200);
    renameSync(join(dir, 'tokens'), join(dir, 'tokens.away'));
    const gone = await readyz();
    expect(gone.status).toBe(503);
    expect(gone.body.checks.secrets.missing).toEqual([`identity.userTokenDir (${join(dir, 'tokens')})`]);
    renameSync(join(dir, 'tokens.away'), join(dir, 'tokens'));
    expect((await readyz()).status).toBe(200);

    writeFileSync(join(dir, 'confirm.key'), 'short');
    let report = await readyz();
    for (let i = 0; i < 50 && report.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      report = await readyz();
    }
    expect(report.status).toBe(503);
    expect(report.body.checks.secrets.missing).toEqual([`access.confirmKeyFile (${join(dir, 'confirm.key')})`]);
    writeFileSync(join(dir, 'confirm.key'), CONFIRM_KEY);
    for (let i = 0; i < 50 && report.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      report = await readyz();
    }
    expect(report.status).toBe(200);
  });
});

describe('the mTLS listener', () => {
  it('counts refused handshakes by reason and goes not-ready when its key file no longer holds a key', async () => {
    const tlsDir = tempDir();
    const file = (name: string, content: string) => {
      writeFileSync(join(tlsDir, name), content, { mode: 0o600 });
      return join(tlsDir, name);
    };
    const srv = await startServerProcess(
      ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
      serverEnv({
        ISPW_MCP_CES_URL: sim.url,
        ISPW_MCP_SRID: sim.srids[0]!,
        ISPW_MCP_CES_TOKEN: SERVICE_ROTATED,
        ISPW_MCP_HTTP_TLS_CERT_FILE: file('server.pem', pki.server.cert),
        ISPW_MCP_HTTP_TLS_KEY_FILE: file('server.key', pki.server.key),
        ISPW_MCP_HTTP_CLIENT_CA_FILE: file('ca.pem', pki.ca.cert),
        ISPW_MCP_HTTP_CLIENT_SCOPES: 'ispw:read',
        ISPW_MCP_READY_CACHE_SECONDS: '0',
        ISPW_MCP_AUDIT_FILE: join(tlsDir, 'audit.jsonl'),
      }),
    );
    const get = (path: string, client?: { cert: string; key: string }) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: new URL(srv.url).port, path, ca: pki.ca.cert, ...(client ?? {}) }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      await expect(get('/readyz')).rejects.toThrow();
      await expect(get('/readyz', pki.untrustedClient)).rejects.toThrow();
      expect((await get('/readyz', pki.client)).status).toBe(200);
      const { samples } = parsePrometheus((await get('/metrics', pki.client)).text);
      const auth = (reason: string) =>
        samples.filter((s) => s.name === 'ispw_mcp_auth_failures_total' && s.labels.reason === reason).reduce((n, s) => n + s.value, 0);
      expect(auth('no_client_certificate')).toBe(1);
      // Node reports a certificate from another CA as a reset handshake (no OpenSSL verify code
      // reaches tlsClientError), so it is counted as tls_handshake unless a verify code is present.
      expect(auth('untrusted_client_certificate') + auth('tls_handshake')).toBe(1);

      writeFileSync(join(tlsDir, 'server.key'), 'not a key any more');
      let report = await get('/readyz', pki.client);
      for (let i = 0; i < 50 && report.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        report = await get('/readyz', pki.client);
      }
      expect(report.status).toBe(503);
      expect((JSON.parse(report.text) as { checks: { secrets: { missing: string[] } } }).checks.secrets.missing).toEqual([
        `auth.tls.keyFile (${join(tlsDir, 'server.key')})`,
      ]);
      expect(report.text).not.toContain('not a key any more');
    } finally {
      await srv.stop();
    }
  }, 30_000);
});
