// Human confirmation of changes, end to end (issue 13; docs/security.md, "Human confirmation"):
// real SDK v2 clients and raw 2026-07-28 requests against the built server, the simulator recording
// every CES request, a real OAuth issuer, per-user CES identities, and two server replicas behind a
// round-robin proxy for the 2026 rounds. Every audit line is checked against the v2 JSON Schema.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { CallToolResult } from '@modelcontextprotocol/server';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import type { AuditEvent } from '../../src/audit/schema.js';
import { verifyCli } from '../audit/fixtures.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.js';
import { MAIN, serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const SERVICE = 'svc-token-human-e2e-41ab';
const USERS = { alice: 'alice-ces-token-7c1d', carol: 'carol-ces-token-2e9f', USER05: 'user05-ces-token-5a5a', MGR01: 'mgr01-ces-token-0b0b' };
const AUDIENCE = 'https://ispw-mcp.test/mcp';
const MODERN = '2026-07-28';
const POLICY = `
version: 1
rules:
  - name: approvals-four-eyes
    match: { operations: [set_approve] }
    decision: allow
    fourEyes: true
  - name: generate-needs-a-person
    match: { operations: [generate] }
    decision: confirm
    confirm: human
    reason: generating replaces load modules
  - name: promote-confirm
    match: { operations: [promote] }
    decision: confirm
`;
const generate = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };

let sim: RunningSimulator;
let issuer: TestIssuer;
let dir: string;
let replicas: ServerProcess[] = [];
let proxy: RoundRobinProxy;
const auditFiles: string[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  [sim, issuer] = await Promise.all([startSimulator({ tokens: [SERVICE, ...Object.values(USERS)], stepMs: 0 }), startIssuer()]);
  dir = mkdtempSync(join(tmpdir(), 'ispw-human-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  for (const [user, token] of Object.entries(USERS)) writeFileSync(join(tokens, user), token);
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'confirm.key'), 'shared-confirmation-key-human-0123456789');
  const args = ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'];
  replicas = await Promise.all(
    ['a', 'b'].map((name) => {
      const audit = join(dir, `audit-${name}.jsonl`);
      auditFiles.push(audit);
      return startServerProcess(
        args,
        serverEnv({
          ISPW_MCP_CES_URL: sim.url,
          ISPW_MCP_SRID: sim.srids[0]!,
          ISPW_MCP_CES_TOKEN: SERVICE,
          ISPW_MCP_AUTH_ISSUER: issuer.issuer,
          ISPW_MCP_AUTH_AUDIENCE: AUDIENCE,
          ISPW_MCP_IDENTITY_MODE: 'per-user',
          ISPW_MCP_IDENTITY_CLAIM: 'preferred_username',
          ISPW_MCP_USER_TOKEN_DIR: tokens,
          ISPW_MCP_POLICY_FILE: join(dir, 'policy.yaml'),
          ISPW_MCP_CONFIRM_KEY_FILE: join(dir, 'confirm.key'),
          ISPW_MCP_HTTP_SESSIONS: 'stateless',
          ISPW_MCP_AUDIT_FILE: audit,
        }),
      );
    }),
  );
  proxy = await startRoundRobinProxy(replicas.map((r) => r.url));
});

afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
  await proxy?.close();
  await Promise.all(replicas.map((r) => r.stop()));
  await Promise.all([sim?.close(), issuer?.close()]);
});

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const posts = () => sim.requests.filter((r) => r.method === 'POST').length;
const events = (files = auditFiles): AuditEvent[] =>
  files.flatMap((f) => {
    try {
      return readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditEvent);
    } catch {
      return [];
    }
  });
const bearer = (user: string) => issuer.mint({ sub: `id-${user}`, preferred_username: user, aud: AUDIENCE, scope: 'ispw:read ispw:write ispw:deploy' });

type Answer = 'accept' | 'untick' | 'decline' | 'cancel' | 'never';
const elicitationHandler = (answer: () => Answer, seen: unknown[]) => async (request: { params: unknown }) => {
  seen.push(request.params);
  const a = answer();
  if (a === 'never') return await new Promise<never>(() => undefined);
  if (a === 'accept' || a === 'untick') return { action: 'accept' as const, content: { confirm: a === 'accept' } };
  return { action: a };
};

// ---------------------------------------------------------------------------------------------
// 2025 era: a session that declared elicitation is asked with elicitation/create during the call

describe('2025 era over stdio: elicitation/create during the call', () => {
  let client: Client;
  let answer: Answer = 'accept';
  const seen: unknown[] = [];
  const stdioAudit = () => join(dir, 'audit-stdio.jsonl');

  const connect = async (capabilities: Record<string, unknown>) => {
    const c = new Client({ name: 'human-e2e-stdio', version: '1.0.0' }, { capabilities });
    if ('elicitation' in capabilities)
      c.setRequestHandler(
        'elicitation/create',
        elicitationHandler(() => answer, seen),
      );
    const env = serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: SERVICE,
      ISPW_MCP_POLICY_FILE: join(dir, 'policy.yaml'),
      ISPW_MCP_AUDIT_FILE: stdioAudit(),
      ISPW_MCP_CONFIRM_ANSWER_SECONDS: '5',
    });
    await c.connect(new StdioClientTransport({ command: process.execPath, args: [MAIN], env, stderr: 'pipe' }));
    closers.push(() => c.close());
    return c;
  };

  beforeAll(async () => {
    auditFiles.push(stdioAudit());
    client = await connect({ elicitation: { form: {} } });
  });

  it('accept: the person sees the preview from CES, and only then is the change sent', async () => {
    answer = 'accept';
    const before = posts();
    const r = await client.callTool({ name: 'ispw_generate', arguments: generate });
    expect(r.isError, text(r)).toBeFalsy();
    expect(posts()).toBe(before + 1);
    const asked = seen.at(-1) as { message: string; requestedSchema: { properties: Record<string, unknown> } };
    expect(asked.message).toMatch(/ispw_generate needs confirmation \(policy rule:generate-needs-a-person: generating replaces load modules\)/);
    expect(asked.message).toMatch(new RegExp(`assignment ${DEMO.assignmentId} at DEV1.*TPROG01`));
    expect(Object.keys(asked.requestedSchema.properties)).toEqual(['confirm']);
  });

  it.each([
    ['decline', 'decline', /the person declined/],
    ['untick', 'decline', /the person declined/],
    ['cancel', 'cancel', /the question was dismissed/],
  ] as const)('%s: nothing is sent to CES and the result says so, without an error', async (given, recorded, why) => {
    answer = given;
    const before = posts();
    const r = await client.callTool({ name: 'ispw_generate', arguments: generate });
    expect(r.isError).toBeFalsy();
    expect(text(r)).toMatch(why);
    expect(text(r)).toMatch(/Nothing was changed in CES/);
    expect(r.structuredContent).toEqual({ not_confirmed: recorded });
    expect(posts()).toBe(before);
  });

  it('never: the question times out (ISPW_MCP_CONFIRM_ANSWER_SECONDS) and nothing is sent', async () => {
    answer = 'never';
    const before = posts();
    const started = Date.now();
    const r = await client.callTool({ name: 'ispw_generate', arguments: generate }, { timeout: 30_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(r.structuredContent).toEqual({ not_confirmed: 'timeout' });
    expect(text(r)).toMatch(/no answer came in time/);
    expect(posts()).toBe(before);
  }, 30_000);

  it('audit: asked (answer null), then confirmed with accept or declined with the answer', () => {
    const mine = events([stdioAudit()]);
    const human = mine.filter((e) => e.decision.confirmation?.kind === 'human_elicitation');
    expect(human.filter((e) => e.type === 'policy.confirmation_required').every((e) => e.decision.confirmation?.answer === null)).toBe(true);
    const outcomes = human.filter((e) => e.type !== 'policy.confirmation_required').map((e) => [e.type, e.decision.result, e.decision.confirmation?.answer]);
    expect(outcomes).toEqual([
      ['write.attempt', 'confirmed', 'accept'],
      ['write.outcome', 'confirmed', 'accept'],
      ['policy.confirmation_declined', 'declined', 'decline'],
      ['policy.confirmation_declined', 'declined', 'decline'],
      ['policy.confirmation_declined', 'declined', 'cancel'],
      ['policy.confirmation_declined', 'declined', 'timeout'],
    ]);
    for (const e of human) expect(e.decision.confirmation?.previewDigest).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a client without elicitation gets a clear refusal under confirm: human, and a token cannot stand in', async () => {
    const plain = await connect({});
    const before = posts();
    const r = await plain.callTool({ name: 'ispw_generate', arguments: generate });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/a person must confirm this change in the client.*did not declare the elicitation capability/s);
    const withToken = await plain.callTool({ name: 'ispw_generate', arguments: { ...generate, confirmation_token: 'any-token-at-all' } });
    expect(withToken.isError).toBe(true);
    expect(text(withToken)).toMatch(/a confirmation token is not enough/);
    expect(posts()).toBe(before);
  });
});

describe("2025 era over HTTP with sessions: elicitation/create on the call's stream", () => {
  it('asks the person and runs the change on accept, declines without a change', async () => {
    const audit = join(dir, 'audit-sessions.jsonl');
    auditFiles.push(audit);
    const server = await startServerProcess(
      ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
      serverEnv({
        ISPW_MCP_CES_URL: sim.url,
        ISPW_MCP_SRID: sim.srids[0]!,
        ISPW_MCP_CES_TOKEN: SERVICE,
        ISPW_MCP_POLICY_FILE: join(dir, 'policy.yaml'),
        ISPW_MCP_HTTP_SESSIONS: 'stateful',
        ISPW_MCP_AUDIT_FILE: audit,
      }),
    );
    closers.push(() => server.stop());
    let answer: Answer = 'accept';
    const seen: unknown[] = [];
    const c = new Client({ name: 'human-e2e-sessions', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    c.setRequestHandler(
      'elicitation/create',
      elicitationHandler(() => answer, seen),
    );
    await c.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    closers.push(() => c.close());
    const before = posts();
    const ok = await c.callTool({ name: 'ispw_generate', arguments: generate });
    expect(ok.isError, text(ok)).toBeFalsy();
    expect(seen).toHaveLength(1);
    expect(posts()).toBe(before + 1);
    answer = 'decline';
    const no = await c.callTool({ name: 'ispw_generate', arguments: generate });
    expect(no.structuredContent).toEqual({ not_confirmed: 'decline' });
    expect(posts()).toBe(before + 1);
  });
});

// ---------------------------------------------------------------------------------------------
// 2026 era: input-required rounds through two replicas behind a round-robin proxy

/** A raw 2026-07-28 tools/call through the proxy, as any client would send it. */
async function call26(
  user: string,
  name: string,
  args: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  capabilities: Record<string, unknown> = { elicitation: { form: {} } },
) {
  const body = {
    jsonrpc: '2.0',
    id: Math.floor(Math.random() * 1e9),
    method: 'tools/call',
    params: {
      name,
      arguments: args,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN,
        'io.modelcontextprotocol/clientInfo': { name: 'human-e2e-raw', version: '1.0.0' },
        'io.modelcontextprotocol/clientCapabilities': capabilities,
      },
      ...extra,
    },
  };
  const response = await fetch(proxy.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/call',
      'mcp-name': name,
      authorization: `Bearer ${await bearer(user)}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { result?: Record<string, unknown>; error?: { message: string } };
  if (!json.result) throw new Error(`no result: ${JSON.stringify(json)}`);
  return json.result as Record<string, unknown> & Partial<CallToolResult>;
}

const accept = { confirm: { action: 'accept', content: { confirm: true } } };

describe('2026 era: input-required rounds across replicas', () => {
  it('a real SDK client answers in a round that lands on the other replica, and the change runs once', async () => {
    const seen: unknown[] = [];
    const c = new Client(
      { name: 'human-e2e-2026', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: MODERN } } },
    );
    c.setRequestHandler(
      'elicitation/create',
      elicitationHandler(() => 'accept', seen),
    );
    await c.connect(new StreamableHTTPClientTransport(new URL(proxy.url), { requestInit: { headers: { authorization: `Bearer ${await bearer('alice')}` } } }));
    closers.push(() => c.close());
    const before = posts();
    const servedBefore = proxy.served.length;
    const r = await c.callTool({ name: 'ispw_generate', arguments: { ...generate, container_id: DEMO.dev2AssignmentId, level: 'DEV2' } });
    expect(r.isError, text(r)).toBeFalsy();
    expect(seen).toHaveLength(1);
    expect(posts()).toBe(before + 1);
    const calls = proxy.served.slice(servedBefore).filter((s) => s.method === 'tools/call');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.body).not.toContain('requestState');
    expect(calls[1]!.body).toContain('requestState');
    expect(calls[0]!.backend).not.toBe(calls[1]!.backend);
  });

  it('decline in the second round: nothing changed, and the result is not an error', async () => {
    const first = await call26('alice', 'ispw_generate', generate);
    expect(first.resultType).toBe('input_required');
    const before = posts();
    const r = await call26('alice', 'ispw_generate', generate, { requestState: first.requestState, inputResponses: { confirm: { action: 'decline' } } });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ not_confirmed: 'decline' });
    expect(posts()).toBe(before);
  });

  it('refuses a tampered, other-caller or other-arguments state, and a replay; accepts the genuine answer once', async () => {
    const first = await call26('alice', 'ispw_generate', generate);
    expect(first.resultType).toBe('input_required');
    const inputRequest = (first.inputRequests as Record<string, { method: string; params: { message: string } }>).confirm!;
    expect(inputRequest.method).toBe('elicitation/create');
    expect(inputRequest.params.message).toMatch(/TPROG01/);
    const state = first.requestState as string;
    const before = posts();

    const body = state.split('.');
    const tampered = [body[0], `${body[1]!.slice(0, -2)}${body[1]!.endsWith('A') ? 'B' : 'A'}${body[1]!.slice(-1)}`, body[2]].join('.');
    const refusals = [
      [await call26('alice', 'ispw_generate', generate, { requestState: tampered, inputResponses: accept }), /not valid/],
      [await call26('carol', 'ispw_generate', generate, { requestState: state, inputResponses: accept }), /asked of another caller/],
      [await call26('alice', 'ispw_generate', { ...generate, level: 'DEV2' }, { requestState: state, inputResponses: accept }), /arguments differ/],
    ] as const;
    for (const [r, why] of refusals) {
      expect(r.isError).toBe(true);
      expect(text(r as CallToolResult)).toMatch(why);
    }
    expect(posts()).toBe(before);

    const ok = await call26('alice', 'ispw_generate', generate, { requestState: state, inputResponses: accept });
    expect(ok.isError, text(ok as CallToolResult)).toBeFalsy();
    expect(posts()).toBe(before + 1);
    // The same answer again, at either replica: spent here, and CES's state has moved everywhere.
    for (let i = 0; i < 2; i++) {
      const replay = await call26('alice', 'ispw_generate', generate, { requestState: state, inputResponses: accept });
      expect(replay.isError).toBe(true);
      expect(text(replay as CallToolResult)).toMatch(/already answered|has changed in CES/);
    }
    expect(posts()).toBe(before + 1);
  });

  it('refuses an answer when CES changed between the rounds', async () => {
    const args = { container_type: 'assignment', container_id: DEMO.payrollAssignmentId, level: 'DEV2' };
    const first = await call26('alice', 'ispw_generate', args);
    expect(first.resultType).toBe('input_required');
    // Someone else generates the same tasks directly in CES meanwhile.
    const direct = await fetch(`${sim.url}/ispw/${sim.srids[0]}/assignments/${DEMO.payrollAssignmentId}/tasks/generate?level=DEV2`, {
      method: 'POST',
      headers: { authorization: SERVICE, 'content-type': 'application/json' },
      body: JSON.stringify({ runtimeConfiguration: DEMO.runtimeConfig }),
    });
    expect(direct.ok).toBe(true);
    const before = posts();
    const r = await call26('alice', 'ispw_generate', args, { requestState: first.requestState, inputResponses: accept });
    expect(r.isError).toBe(true);
    expect(text(r as CallToolResult)).toMatch(/has changed in CES/);
    expect(posts()).toBe(before);
  });

  it('a 2026 client without elicitation: refused under confirm: human, a token under confirm: any', async () => {
    const before = posts();
    const human = await call26('alice', 'ispw_generate', generate, {}, {});
    expect(human.isError).toBe(true);
    expect(text(human as CallToolResult)).toMatch(/does not declare the elicitation capability/);
    const token = await call26('alice', 'ispw_promote', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' }, {}, {});
    expect(token.isError, text(token as CallToolResult)).toBeFalsy();
    expect(token.structuredContent).toMatchObject({ confirmation_required: true });
    expect(posts()).toBe(before);
  });

  it('a 2025 client on stateless HTTP cannot be asked, even when it declares elicitation', async () => {
    const c = new Client({ name: 'human-e2e-2025-http', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    c.setRequestHandler(
      'elicitation/create',
      elicitationHandler(() => 'accept', []),
    );
    await c.connect(new StreamableHTTPClientTransport(new URL(proxy.url), { requestInit: { headers: { authorization: `Bearer ${await bearer('alice')}` } } }));
    closers.push(() => c.close());
    const before = posts();
    const r = await c.callTool({ name: 'ispw_generate', arguments: generate });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/stateless HTTP cannot be sent a question/);
    expect(posts()).toBe(before);
  });
});

describe('four eyes', () => {
  const approve = (approver: string) => ({ set_id: DEMO.sets.waitingApproval, action: 'approve', approver });

  it('the requester cannot approve; nor can anyone approve in another name; another person can', async () => {
    const before = posts();
    const self = await call26('USER05', 'ispw_set_action', approve('USER05'));
    expect(self.isError).toBe(true);
    expect(text(self as CallToolResult)).toMatch(/you requested set S000238584 \(its owner is USER05\); another person must approve it/);
    const inAnotherName = await call26('MGR01', 'ispw_set_action', approve('USER05'));
    expect(inAnotherName.isError).toBe(true);
    expect(text(inAnotherName as CallToolResult)).toMatch(/the approver must be you \(MGR01\)/);
    expect(posts()).toBe(before);
    const other = await call26('MGR01', 'ispw_set_action', approve('MGR01'));
    expect(other.isError, text(other as CallToolResult)).toBeFalsy();
    expect(posts()).toBe(before + 1);
  });
});

describe('audit of every branch', () => {
  it('records how each change was confirmed, every line is valid against the v2 JSON Schema, and the chains verify', async () => {
    const all = events();
    const schema = JSON.parse(readFileSync(new URL('../../docs/audit/audit-event.v2.schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    for (const e of all) expect(validate(e), JSON.stringify(validate.errors)).toBe(true);

    const has = (pred: (e: AuditEvent) => boolean) => expect(all.some(pred)).toBe(true);
    const c = (e: AuditEvent) => e.decision.confirmation;
    has((e) => e.type === 'policy.confirmation_required' && c(e)?.kind === 'human_input_required' && c(e)?.answer === null);
    has((e) => e.type === 'write.attempt' && e.decision.result === 'confirmed' && c(e)?.kind === 'human_input_required' && c(e)?.answer === 'accept');
    has((e) => e.type === 'policy.confirmation_declined' && c(e)?.kind === 'human_input_required' && c(e)?.answer === 'decline');
    for (const rule of [
      'confirmation:invalid',
      'confirmation:caller',
      'confirmation:arguments',
      'confirmation:state',
      'confirmation:human_unavailable',
      'four-eyes',
    ]) {
      has((e) => e.type === 'policy.denied' && e.decision.rule === rule);
    }
    has((e) => e.type === 'policy.confirmation_required' && e.decision.confirmation === null && e.decision.confirmationId !== null); // the token path

    for (const file of auditFiles) {
      const verify = verifyCli(file);
      expect(verify.code, verify.out).toBe(0);
    }
  });
});
