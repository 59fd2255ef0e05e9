// Per-user mainframe identity, lifecycle policy and signed confirmations, end to end: two server
// processes sharing a policy file and a confirmation key (two replicas), a real issuer, and the
// simulator recording which CES token each request carried.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const SERVICE = 'svc-token-policy-e2e-77aa';
const ALICE_CES = 'alice-ces-token-1f0e';
const CAROL_CES = 'carol-ces-token-9b2d';
const AUDIENCE = 'https://ispw-mcp.test/mcp';
const POLICY = `
version: 1
ticket: { changeTypes: [E], pattern: 'CHG[0-9]{7}' }
rules:
  - name: no-prd
    match: { levels: [PRD] }
    decision: deny
    reason: production is out of bounds for this service
  - name: promote-dev-confirm
    match: { operations: [promote], levels: ['DEV*'] }
    decision: confirm
    reason: promotions leave the developer's hands
`;

let sim: RunningSimulator;
let issuer: TestIssuer;
let a: ServerProcess;
let b: ServerProcess;
const clients: Client[] = [];

beforeAll(async () => {
  [sim, issuer] = await Promise.all([startSimulator({ tokens: [SERVICE, ALICE_CES, CAROL_CES], stepMs: 0 }), startIssuer()]);
  const dir = mkdtempSync(join(tmpdir(), 'ispw-auth-policy-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens);
  writeFileSync(join(tokens, 'alice'), `${ALICE_CES}\n`);
  writeFileSync(join(tokens, 'carol'), CAROL_CES);
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'confirm.key'), 'shared-confirmation-key-0123456789abcdef');
  const env = serverEnv({
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
  });
  const args = ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'];
  [a, b] = await Promise.all([startServerProcess(args, env), startServerProcess(args, env)]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([sim?.close(), issuer?.close()]);
});

async function as(user: string, server: ServerProcess, scope = 'ispw:read ispw:write ispw:deploy') {
  const bearer = await issuer.mint({ sub: `id-${user}`, preferred_username: user, aud: AUDIENCE, scope });
  const c = new Client({ name: `policy-e2e-${user}`, version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  clients.push(c);
  return async (name: string, args: Record<string, unknown>) => await c.callTool({ name, arguments: args });
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const posts = () => sim.requests.filter((r) => r.method === 'POST');

describe('per-user CES identity', () => {
  it("acts under the caller's own CES token", async () => {
    const alice = await as('alice', a);
    const before = sim.requests.length;
    const result = await alice('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
    expect(result.isError).toBeFalsy();
    const sent = sim.requests.slice(before);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.headers.authorization === ALICE_CES)).toBe(true);
  });

  it('refuses a caller without a token mapping and sends nothing to CES', async () => {
    const bob = await as('bob', b);
    const before = sim.requests.length;
    const result = await bob('ispw_get_assignment', { assignment_id: DEMO.assignmentId });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/No CES token is mapped for your identity "bob"/);
    expect(sim.requests.length).toBe(before);
  });
});

describe('lifecycle policy', () => {
  it('denies by rule, naming it and its reason, before anything reaches CES', async () => {
    const alice = await as('alice', a);
    const before = posts().length;
    const result = await alice('ispw_deploy', { container_type: 'assignment', container_id: DEMO.qaAssignmentId, level: 'PRD' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('denied by policy rule:no-prd: production is out of bounds for this service');
    expect(posts().length).toBe(before);
  });

  it('denies an emergency change without a valid ticket', async () => {
    const alice = await as('alice', a);
    const result = await alice('ispw_generate', {
      container_type: 'assignment',
      container_id: DEMO.dev2AssignmentId,
      level: 'DEV2',
      change_type: 'E',
      ticket: 'nope',
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/denied by policy ticket: change type E needs a ticket argument matching CHG\[0-9\]\{7\}/);
  });
});

describe('confirmations across replicas', () => {
  const promote = { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' };

  it('issues at one replica, refuses tampering and other callers, executes once at another', async () => {
    const aliceA = await as('alice', a);
    const aliceB = await as('alice', b);
    const carolB = await as('carol', b);
    const postsBefore = posts().length;

    const first = await aliceA('ispw_promote', promote);
    expect(first.isError).toBeFalsy();
    const s = first.structuredContent as { confirmation_required: boolean; confirmation_token: string; expires_at: string; preview: Record<string, unknown> };
    expect(s.confirmation_required).toBe(true);
    expect(Date.parse(s.expires_at)).toBeGreaterThan(Date.now());
    expect(s.preview).toMatchObject({
      container: { type: 'assignment', id: DEMO.assignmentId },
      level: 'DEV1',
      stream: DEMO.stream,
      policy_rule: 'rule:promote-dev-confirm',
      ces_identity: 'user:alice',
    });
    expect((s.preview.tasks as unknown[]).length).toBeGreaterThan(0);
    expect(posts().length).toBe(postsBefore); // nothing changed in CES

    const token = s.confirmation_token;
    const tampered = await aliceB('ispw_promote', { ...promote, override: true, confirmation_token: token });
    expect(tampered.isError).toBe(true);
    expect(text(tampered)).toMatch(/arguments differ/);
    const other = await carolB('ispw_promote', { ...promote, confirmation_token: token });
    expect(text(other)).toMatch(/issued to another caller/);
    const forged = await aliceB('ispw_promote', { ...promote, confirmation_token: `${token.slice(0, -4)}AAAA` });
    expect(text(forged)).toMatch(/not valid/);
    expect(posts().length).toBe(postsBefore);

    const done = await aliceB('ispw_promote', { ...promote, confirmation_token: token });
    expect(done.isError, text(done)).toBeFalsy();
    const sent = posts().slice(postsBefore);
    expect(sent.map((r) => r.path)).toEqual([`/ispw/${sim.srids[0]}/assignments/${DEMO.assignmentId}/tasks/promote`]);
    expect(sent[0]!.headers.authorization).toBe(ALICE_CES);

    const replayB = await aliceB('ispw_promote', { ...promote, confirmation_token: token });
    expect(replayB.isError).toBe(true);
    expect(text(replayB)).toMatch(/already used/);
    const replayA = await aliceA('ispw_promote', { ...promote, confirmation_token: token });
    expect(replayA.isError).toBe(true);
    expect(text(replayA)).toMatch(/changed in CES since|already carried out/);
    expect(posts().length).toBe(postsBefore + 1);
  });
});
