// Profiles: precedence (defaults < profile < file < env < *_FILE < flags), the source of every value,
// and each prod violation — all reported in one message — with stage and dev behaviour.
import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/config/errors.js';
import { inspectConfig, loadConfig, type LoadConfigInput } from '../../src/config/load.js';
import { hasClientAuthentication, isLoopbackHost } from '../../src/config/profiles.js';

const files = (map: Record<string, string>) => (path: string) => {
  const content = map[path];
  if (content === undefined) throw new Error(`ENOENT: ${path}`);
  return content;
};
const safe = {
  ISPW_MCP_CES_URL: 'https://ces.example.com:48226',
  ISPW_MCP_SRID: 'CW09-47623',
  ISPW_MCP_CES_TOKEN_FILE: '/run/secrets/token',
};
const input = (env: Record<string, string>, extra: Partial<LoadConfigInput> = {}): LoadConfigInput => ({
  env,
  readFile: files({}),
  fileStat: () => ({ mode: 0o100600, uid: 1000, gid: 1000 }),
  processGroups: [1000, 2000],
  ...extra,
});

describe('precedence and sources', () => {
  it('layers defaults < profile < file < env < flags and records where each value came from', () => {
    const file = 'http:\n  sessions: stateful\n  port: 9000\nlog:\n  level: debug\n';
    const report = inspectConfig(
      input(
        { ...safe, ISPW_MCP_PROFILE: 'prod', ISPW_MCP_CONFIG: '/c.yaml', ISPW_MCP_PORT: '9100' },
        { flags: { port: '9200' }, readFile: files({ '/c.yaml': file }) },
      ),
    );
    expect(report.errors).toEqual([]);
    expect(report.config!.http.sessions).toBe('stateful'); // file beats the prod profile's stateless
    expect(report.config!.http.port).toBe(9200);
    expect(report.sources.get('http.sessions')).toBe('file');
    expect(report.sources.get('http.port')).toBe('flag');
    expect(report.sources.get('log.level')).toBe('file');
    expect(report.sources.get('profile')).toBe('env');
    expect(report.sources.get('ces.instances.0.tokenFile')).toBe('env');
    expect(report.sources.get('wait.pollIntervalMs')).toBeUndefined(); // default
  });

  it('takes the profile defaults when nothing overrides them', () => {
    const report = inspectConfig(input({ ...safe, ISPW_MCP_PROFILE: 'stage' }));
    expect(report.config!.http.sessions).toBe('stateless');
    expect(report.sources.get('http.sessions')).toBe('profile');
    expect(inspectConfig(input(safe)).config!.http.sessions).toBe('stateful');
  });

  it('refuses an unknown profile', () => {
    expect(() => loadConfig(input({ ...safe, ISPW_MCP_PROFILE: 'production' }))).toThrow(/expected one of dev, stage, prod/);
  });
});

describe('prod refuses unsafe settings in one message', () => {
  it('lists every violation at once', () => {
    const file = [
      'http:',
      '  prot: 80',
      'ces:',
      '  instances:',
      '    - name: main',
      '      url: http://ces.example.com:48080',
      '      srids: [CW09-47623]',
      '      token: inline-secret-value',
      '      clientCertFile: /k/tls.crt',
      '      clientKeyFile: /k/tls.key',
    ].join('\n');
    let error: ConfigError | undefined;
    try {
      loadConfig(
        input(
          {
            ISPW_MCP_PROFILE: 'prod',
            ISPW_MCP_CONFIG: '/c.yaml',
            ISPW_MCP_CES_TOKEN: 'env-secret-value',
            ISPW_MCP_TRANSPORT: 'http',
            ISPW_MCP_HOST: '0.0.0.0',
            ISPW_MCP_CES_TOKN_FILE: '/x',
          },
          {
            readFile: files({ '/c.yaml': file }),
            dotenvFiles: ['/app/.env'],
            fileStat: (p) => ({ mode: p === '/k/tls.key' ? 0o100644 : 0o100600, uid: 1000, gid: 1000 }),
          },
        ),
      );
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    expect(text).toMatch(/prod profile refuses/);
    expect(text).toContain('ISPW_MCP_CES_TOKEN (environment) holds a secret');
    expect(text).toContain('ces.instances[main].token (config file /c.yaml) holds a secret');
    expect(text).toContain('/app/.env');
    expect(text).toMatch(/url .* is http:\/\//);
    expect(text).toMatch(/0\.0\.0\.0 is not a loopback address/);
    expect(text).toMatch(/tls\.key is world-readable \(mode 0644\)/);
    expect(text).toContain('http.prot: unknown setting');
    expect(text).toContain('ISPW_MCP_CES_TOKN_FILE (environment): unknown setting');
    expect(error!.problems).toHaveLength(9); // header + 8 violations
    // Secret values never appear.
    expect(text).not.toContain('inline-secret-value');
    expect(text).not.toContain('env-secret-value');
  });

  it('accepts a safe configuration: files for secrets, https, loopback HTTP, private key 0600', () => {
    const config = loadConfig(
      input({
        ...safe,
        ISPW_MCP_PROFILE: 'prod',
        ISPW_MCP_TRANSPORT: 'http',
        ISPW_MCP_HOST: '127.0.0.1',
        ISPW_MCP_CLIENT_CERT_FILE: '/k/tls.crt',
        ISPW_MCP_CLIENT_KEY_FILE: '/k/tls.key',
      }),
    );
    expect(config.profile).toBe('prod');
  });
});

describe('stage and dev', () => {
  const unsafe = { ...safe, ISPW_MCP_CES_URL: 'http://ces.example.com:48080' };

  it('stage refuses unknown keys but only warns about the other violations', () => {
    const report = inspectConfig(input({ ...unsafe, ISPW_MCP_PROFILE: 'stage' }));
    expect(report.refusals).toEqual([]);
    expect(report.warnings.join('\n')).toMatch(/is http:\/\//);
    expect(() => loadConfig(input({ ...safe, ISPW_MCP_PROFILE: 'stage', ISPW_MCP_POLL_INTERVAL: '5' }))).toThrow(
      /ISPW_MCP_POLL_INTERVAL \(environment\): unknown setting/,
    );
  });

  it('dev warns about unknown keys (name only) and is silent about the rest', () => {
    const report = inspectConfig(input({ ...unsafe, ISPW_MCP_SRDI: 'secret-looking-value' }));
    expect(report.refusals).toEqual([]);
    expect(report.warnings).toEqual(['ISPW_MCP_SRDI (environment): unknown setting (a typo?)']);
    expect(report.violations.map((v) => v.rule).sort()).toEqual(['http-ces-url', 'unknown-key']);
  });
});

describe('helpers', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'ispw-mcp.example.com']) expect(isLoopbackHost(host)).toBe(false);
  });
  it('counts OAuth or client certificates as client authentication, not --allow-unauthenticated', () => {
    expect(hasClientAuthentication(loadConfig(input(safe)))).toBe(false);
    expect(hasClientAuthentication(loadConfig(input({ ...safe, ISPW_MCP_ALLOW_UNAUTHENTICATED: 'true' })))).toBe(false);
    expect(
      hasClientAuthentication(
        loadConfig(input({ ...safe, ISPW_MCP_AUTH_ISSUER: 'https://idp.example.com', ISPW_MCP_AUTH_AUDIENCE: 'https://mcp.example.com/mcp' })),
      ),
    ).toBe(true);
    const open = { ...safe, ISPW_MCP_PROFILE: 'prod', ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0' };
    expect(() => loadConfig(input(open))).toThrow(/not a loopback address/);
    expect(() =>
      loadConfig(input({ ...open, ISPW_MCP_AUTH_ISSUER: 'https://idp.example.com', ISPW_MCP_AUTH_AUDIENCE: 'https://mcp.example.com/mcp' })),
    ).not.toThrow();
  });
});

describe('private key permissions in prod', () => {
  const keyEnv = { ...safe, ISPW_MCP_PROFILE: 'prod', ISPW_MCP_CLIENT_CERT_FILE: '/k/tls.crt', ISPW_MCP_CLIENT_KEY_FILE: '/k/tls.key' };
  const check = (mode: number, uid: number, gid: number) =>
    inspectConfig(input(keyEnv, { fileStat: () => ({ mode, uid, gid }), processGroups: [1000, 2000] })).refusals.join('\n');
  it('accepts owner-only keys and the kubelet fsGroup layout; refuses world- or other group-readable keys', () => {
    expect(check(0o100600, 1000, 1000)).toBe('');
    expect(check(0o100400, 0, 0)).toBe('');
    expect(check(0o100440, 0, 2000)).toBe(''); // root-owned, group = our fsGroup: what Kubernetes gives a non-root pod
    expect(check(0o100640, 1000, 1000)).toMatch(/group-readable \(mode 0640\)/); // a user's own key shared with a group
    expect(check(0o100440, 0, 3000)).toMatch(/group-readable/); // a group this process is not in
    expect(check(0o100460, 0, 2000)).toMatch(/group-readable/); // group-writable too
    expect(check(0o100444, 0, 2000)).toMatch(/world-readable/);
  });
});
