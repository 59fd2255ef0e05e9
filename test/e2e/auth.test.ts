// OAuth for HTTP clients, end to end: a real OIDC-style issuer (jose keys, discovery and JWKS over
// HTTP on loopback) and the built server as a process. Every refusal is checked with its exact
// status and WWW-Authenticate header; tools/list follows the token's scopes; the caller's token
// never reaches CES.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO, startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { startIssuer, type TestIssuer } from '../support/issuer.js';
import { serverEnv, startServerProcess, type ServerProcess } from '../support/server-process.js';

const CES_TOKEN = 'svc-token-auth-e2e-5d1c';
const AUDIENCE = 'https://ispw-mcp.test/mcp';
const METADATA = 'https://ispw-mcp.test/.well-known/oauth-protected-resource/mcp';
let sim: RunningSimulator;
let issuer: TestIssuer;
let srv: ServerProcess;

beforeAll(async () => {
  [sim, issuer] = await Promise.all([startSimulator({ tokens: [CES_TOKEN], stepMs: 0 }), startIssuer()]);
  srv = await startServerProcess(
    ['serve', '--transport', 'http', '--host', '127.0.0.1', '--port', '0'],
    serverEnv({
      ISPW_MCP_CES_URL: sim.url,
      ISPW_MCP_SRID: sim.srids[0]!,
      ISPW_MCP_CES_TOKEN: CES_TOKEN,
      ISPW_MCP_AUTH_ISSUER: issuer.issuer,
      ISPW_MCP_AUTH_AUDIENCE: AUDIENCE,
    }),
  );
});
afterAll(async () => {
  await srv?.stop();
  await Promise.all([sim?.close(), issuer?.close()]);
});

const token = (claims: Record<string, unknown> = {}, options?: Parameters<TestIssuer['mint']>[1]) =>
  issuer.mint({ sub: 'alice', aud: AUDIENCE, scope: 'ispw:read ispw:write', ...claims }, options);

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

async function post(body: unknown, headers: Record<string, string> = {}, url = srv.url): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
}

function expectChallenge(response: Response, status: number, error: string): string {
  expect(response.status).toBe(status);
  const header = response.headers.get('www-authenticate') ?? '';
  expect(header).toMatch(/^Bearer /);
  expect(header).toContain(`error="${error}"`);
  expect(header).toContain(`resource_metadata="${METADATA}"`);
  return header;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('OAuth resource server', () => {
  it('serves Protected Resource Metadata (RFC 9728)', async () => {
    const base = new URL(srv.url).origin;
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      const doc = (await response.json()) as Record<string, unknown>;
      expect(doc.resource).toBe(AUDIENCE);
      expect(doc.authorization_servers).toEqual([issuer.issuer]);
      expect(doc.scopes_supported).toEqual(['ispw:read', 'ispw:write', 'ispw:deploy']);
    }
  });

  it('accepts a valid token', async () => {
    const response = await post(initialize, { authorization: `Bearer ${await token()}` });
    expect(response.status).toBe(200);
  });

  it('answers 401 with the metadata URL when the token is missing', async () => {
    expectChallenge(await post(initialize), 401, 'invalid_token');
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: [string, () => Promise<string>][] = [
    ['expired', () => token({ exp: now() - 120 })],
    ['not yet valid', () => token({ nbf: now() + 600 })],
    ['wrong issuer', () => token({ iss: 'https://evil.example' })],
    ['wrong audience', () => token({ aud: 'https://other.example/mcp' })],
    ['bad signature', () => token({}, { key: issuer.strangerKey })],
    ['unknown kid', () => token({}, { key: issuer.strangerKey, kid: 'not-published' })],
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', aud: AUDIENCE, iss: issuer.issuer, exp: now() + 300, scope: 'ispw:read ispw:write ispw:deploy' })}.`,
    ],
    [
      'HS256 signed with the public key material',
      async () => {
        const { SignJWT } = await import('jose');
        const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: { n: string }[] };
        return new SignJWT({ sub: 'alice', aud: AUDIENCE, scope: 'ispw:read' })
          .setProtectedHeader({ alg: 'HS256', kid: 'test-key-1' })
          .setIssuer(issuer.issuer)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(jwks.keys[0]!.n));
      },
    ],
  ];
  it.each(refusals)('answers 401 invalid_token for a token that is %s', async (_name, make) => {
    expectChallenge(await post(initialize, { authorization: `Bearer ${await make()}` }), 401, 'invalid_token');
  });

  it('refuses a token in the query string with 401, even a valid one', async () => {
    const valid = await token();
    expectChallenge(await post(initialize, {}, `${srv.url}?access_token=${valid}`), 401, 'invalid_token');
  });

  it('answers 403 insufficient_scope naming the scope a tools/call needs', async () => {
    const readOnly = await token({ scope: 'ispw:read' });
    const call = (name: string, args: object) => ({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } });
    const promote = await post(call('ispw_promote', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'DEV1' }), {
      authorization: `Bearer ${readOnly}`,
    });
    expect(expectChallenge(promote, 403, 'insufficient_scope')).toContain('scope="ispw:write"');
    const writer = await token({ scope: 'ispw:read ispw:write' });
    const deploy = await post(call('ispw_deploy', { container_type: 'assignment', container_id: DEMO.assignmentId, level: 'QA' }), {
      authorization: `Bearer ${writer}`,
    });
    expect(expectChallenge(deploy, 403, 'insufficient_scope')).toContain('scope="ispw:deploy"');
    const terminate = await post(call('ispw_set_action', { set_id: DEMO.sets.closedPromote, action: 'terminate' }), { authorization: `Bearer ${writer}` });
    expect(expectChallenge(terminate, 403, 'insufficient_scope')).toContain('scope="ispw:deploy"');
  });

  it('checks Host and Origin before the token (403)', async () => {
    const valid = await token();
    // fetch does not send a forged Host header; node:http does.
    const { request } = await import('node:http');
    const raw = await new Promise<number>((resolve, reject) => {
      const u = new URL(srv.url);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: 'POST',
          headers: { host: 'attacker.example', 'content-type': 'application/json', authorization: `Bearer ${valid}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(initialize));
    });
    expect(raw).toBe(403);
    const badOrigin = await post(initialize, { authorization: `Bearer ${valid}`, origin: 'https://evil.example' });
    expect(badOrigin.status).toBe(403);
  });

  async function client(scope: string, sub = 'alice') {
    const bearer = await token({ scope, sub });
    const c = new Client({ name: 'auth-e2e', version: '1' });
    await c.connect(new StreamableHTTPClientTransport(new URL(srv.url), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
    return { c, bearer };
  }

  it('lists only the tools the scopes allow, and the bearer never reaches CES', async () => {
    const reader = await client('ispw:read');
    const readerTools = (await reader.c.listTools()).tools;
    expect(readerTools.length).toBeGreaterThan(0);
    expect(readerTools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    const got = await reader.c.callTool({ name: 'ispw_get_assignment', arguments: { assignment_id: DEMO.assignmentId } });
    expect(got.isError).toBeFalsy();
    await reader.c.close();

    const deployer = await client('ispw:read ispw:write ispw:deploy');
    const names = (await deployer.c.listTools()).tools.map((t) => t.name);
    expect(names).toContain('ispw_deploy');
    expect(names).toContain('ispw_promote');
    expect(names.length).toBeGreaterThan(readerTools.length);
    await deployer.c.close();

    const seen = sim.requests.map((r) => String(r.headers.authorization ?? ''));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === CES_TOKEN)).toBe(true);
    expect(seen.some((h) => h.includes(reader.bearer) || h.includes(deployer.bearer) || /^bearer /i.test(h))).toBe(false);
  });
});
