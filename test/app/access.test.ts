// Server-side access pieces without a network: the open-binding rule, tool bounds, per-user token
// files, scopes per tool and call, and the limits with their retry-after.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createIdentityResolver, IdentityError } from '../../src/auth/identity.js';
import type { Principal } from '../../src/auth/principal.js';
import { scopeForCall, scopeToList, scopesFromClaims } from '../../src/auth/scopes.js';
import { ConfigError } from '../../src/config/errors.js';
import { inspectConfig, loadConfig } from '../../src/config/load.js';
import { boundTools, checkBounds } from '../../src/policy/bounds.js';
import { createRateLimiter, LimitError } from '../../src/policy/limits.js';
import { setupAccess } from '../../src/app/access.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ALL_TOOLS, TOOLSETS } from '../../src/tools/index.js';

const CES = { ISPW_MCP_CES_URL: 'https://ces.example.com:48226', ISPW_MCP_SRID: 'CW09', ISPW_MCP_CES_TOKEN_FILE: '/nonexistent/token' };
const load = (env: Record<string, string>, flags: Record<string, unknown> = {}) => loadConfig({ env: { ...CES, ...env }, flags, readFile: () => '' });
const setup = (env: Record<string, string>, flags: Record<string, unknown> = {}) =>
  setupAccess(load(env, flags), { logger: silentLogger(), tools: ALL_TOOLS, toolsets: TOOLSETS });

describe('binding a non-loopback address', () => {
  it('is refused without client authentication unless --allow-unauthenticated', () => {
    expect(() => setup({ ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => setup({ ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0' })).toThrow(/--allow-unauthenticated/);
    expect(() => setup({ ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0' }, { allowUnauthenticated: true }).close()).not.toThrow();
    expect(() => setup({ ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '127.0.0.1' }).close()).not.toThrow();
    expect(() =>
      setup({
        ISPW_MCP_TRANSPORT: 'http',
        ISPW_MCP_HOST: '0.0.0.0',
        ISPW_MCP_AUTH_ISSUER: 'https://idp.example.com',
        ISPW_MCP_AUTH_AUDIENCE: 'https://mcp.example.com/mcp',
      }).close(),
    ).not.toThrow();
  });

  it('is refused in prod even with --allow-unauthenticated', () => {
    const report = inspectConfig({
      env: { ...CES, ISPW_MCP_PROFILE: 'prod', ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0', ISPW_MCP_ALLOW_UNAUTHENTICATED: 'true' },
      readFile: () => '',
    });
    expect(report.refusals.join('\n')).toMatch(/not a loopback address and HTTP clients are not authenticated/);
    const ok = inspectConfig({
      env: {
        ...CES,
        ISPW_MCP_PROFILE: 'prod',
        ISPW_MCP_TRANSPORT: 'http',
        ISPW_MCP_HOST: '0.0.0.0',
        ISPW_MCP_AUTH_ISSUER: 'https://idp.example.com',
        ISPW_MCP_AUTH_AUDIENCE: 'https://mcp.example.com/mcp',
      },
      readFile: () => '',
    });
    expect(ok.refusals.join('\n')).not.toMatch(/not a loopback address/);
  });

  it('checks the access settings together', () => {
    expect(() => load({ ISPW_MCP_AUTH_ISSUER: 'https://idp.example.com' })).toThrow(/go together/);
    expect(() => load({ ISPW_MCP_IDENTITY_MODE: 'per-user' })).toThrow(/ISPW_MCP_USER_TOKEN_DIR/);
    expect(() => load({ ISPW_MCP_READ_ONLY: 'maybe' })).toThrow(/expected true or false/);
    expect(() => setup({ ISPW_MCP_TOOLSETS: 'tasks,nonsense' })).toThrow(/unknown toolset "nonsense"/);
    expect(() => setup({ ISPW_MCP_POLICY_FILE: '/nonexistent/policy.yaml' })).toThrow(/cannot read/);
  });
});

describe('tool bounds', () => {
  it('narrow by read-only mode, toolsets, allow and deny; never widen', () => {
    const names = (b: Parameters<typeof boundTools>[1]) => boundTools(ALL_TOOLS, b, TOOLSETS).map((t) => t.name);
    expect(names({ readOnly: true }).every((n) => ALL_TOOLS.find((t) => t.name === n)!.kind === 'read')).toBe(true);
    expect(names({ readOnly: false, toolsets: ['sets'] })).toEqual(['ispw_list_sets', 'ispw_get_set', 'ispw_set_action']);
    expect(names({ readOnly: true, toolsets: ['sets'], allow: ['ispw_set_action', 'ispw_get_set'] })).toEqual(['ispw_get_set']);
    expect(names({ readOnly: false, deny: ['ispw_deploy'] })).not.toContain('ispw_deploy');
    expect(checkBounds({ readOnly: false, allow: ['ispw_nope'] }, ALL_TOOLS, TOOLSETS)).toEqual(['tools allow: unknown tool "ispw_nope"']);
  });
});

describe('scopes', () => {
  const tool = (name: string) => ALL_TOOLS.find((t) => t.name === name)!;
  it('map tools and calls to the scope they need', () => {
    expect(scopeToList(tool('ispw_get_set'))).toBe('ispw:read');
    expect(scopeToList(tool('ispw_promote'))).toBe('ispw:write');
    for (const name of ['ispw_deploy', 'ispw_fallback', 'ispw_regress']) expect(scopeToList(tool(name))).toBe('ispw:deploy');
    expect(scopeForCall(tool('ispw_set_action'), { action: 'hold' })).toBe('ispw:write');
    expect(scopeForCall(tool('ispw_set_action'), { action: 'approve' })).toBe('ispw:deploy');
    expect(scopesFromClaims({ scope: 'ispw:read  ispw:write', scp: ['ispw:deploy'] })).toEqual(['ispw:read', 'ispw:write', 'ispw:deploy']);
  });
});

describe('per-user CES identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ispw-identity-'));
  writeFileSync(join(dir, 'alice'), 'alice-token\n');
  mkdirSync(join(dir, 'prod'));
  writeFileSync(join(dir, 'prod', 'alice'), 'alice-prod-token');
  const who = (identity: string | undefined): Principal => ({ subject: `s-${identity}`, identity, clientId: undefined, scopes: new Set(), via: 'oauth' });

  it("selects the caller's token file, per instance first", () => {
    const ids = createIdentityResolver({ mode: 'per-user', userTokenDir: dir });
    expect(ids.resolve(who('alice'), 'test', 'write').credential?.token()).toBe('alice-token');
    expect(ids.resolve(who('alice'), 'prod', 'write').credential?.token()).toBe('alice-prod-token');
    expect(ids.resolve(who('alice'), 'test', 'write').label).toBe('user:alice');
    ids.close();
  });

  it('refuses unmapped, missing and unsafe identities; reads may fall back', () => {
    const strict = createIdentityResolver({ mode: 'per-user', userTokenDir: dir });
    expect(() => strict.resolve(who('bob'), 'test', 'read')).toThrow(IdentityError);
    expect(() => strict.resolve(who(undefined), 'test', 'read')).toThrow(/no identity claim/);
    expect(() => strict.resolve(who('../alice'), 'test', 'read')).toThrow(/cannot name a CES token file/);
    expect(() => strict.resolve(who('.alice'), 'test', 'read')).toThrow(IdentityError);
    const lenient = createIdentityResolver({ mode: 'per-user', userTokenDir: dir, readFallback: true });
    expect(lenient.resolve(who('bob'), 'test', 'read')).toEqual({ label: 'service (read fallback)', credential: undefined });
    expect(() => lenient.resolve(who('bob'), 'test', 'write')).toThrow(IdentityError);
    strict.close();
    lenient.close();
  });
});

describe('rate limit', () => {
  it('refuses beyond the budget with a retry-after, per caller, and refills', () => {
    let now = 0;
    const limiter = createRateLimiter(3, () => now);
    for (let i = 0; i < 3; i++) limiter.take('alice');
    expect(() => limiter.take('alice')).toThrow(LimitError);
    try {
      limiter.take('alice');
    } catch (error) {
      expect((error as LimitError).retryAfterSeconds).toBe(20);
      expect((error as Error).message).toMatch(/Retry after 20 s/);
    }
    limiter.take('bob');
    now += 20_000;
    expect(() => limiter.take('alice')).not.toThrow();
  });
});
