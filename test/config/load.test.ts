import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/config/errors.js';
import { inspectConfig, loadConfig } from '../../src/config/load.js';

const files = (map: Record<string, string>) => (path: string) => {
  const content = map[path];
  if (content === undefined) throw new Error(`ENOENT: no such file ${path}`);
  return content;
};

const baseEnv = {
  ISPW_MCP_CES_URL: 'https://ces.example.com:48226',
  ISPW_MCP_SRID: 'CW09-47623',
  ISPW_MCP_CES_TOKEN_FILE: '/run/token',
};

describe('loadConfig', () => {
  it('applies defaults when only the CES connection is given', () => {
    const config = loadConfig({ env: baseEnv, readFile: files({}) });
    expect(config.transport).toBe('stdio');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080, sessions: 'stateful' });
    expect(config.wait.pollIntervalMs).toBe(2000);
    expect(config.ces.instances).toEqual([
      expect.objectContaining({
        name: 'default',
        url: baseEnv.ISPW_MCP_CES_URL,
        srids: ['CW09-47623'],
        tokenFile: '/run/token',
        timeoutSeconds: 30,
        retries: 2,
      }),
    ]);
  });

  it('layers defaults < file < env < flags', () => {
    const file = 'transport: http\nhttp:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  level: debug\n';
    const config = loadConfig({
      env: { ...baseEnv, ISPW_MCP_CONFIG: '/etc/c.yaml', ISPW_MCP_PORT: '9100' },
      // 0.0.0.0 without client authentication is refused unless the operator accepts it.
      flags: { port: '9200', allowUnauthenticated: true },
      readFile: files({ '/etc/c.yaml': file }),
    });
    expect(config.transport).toBe('http'); // file
    expect(config.http.host).toBe('0.0.0.0'); // file
    expect(config.log.level).toBe('debug'); // file
    expect(config.http.port).toBe(9200); // flag beats env beats file
  });

  it('lets the token file outrank a plain token from any layer', () => {
    const file = 'ces:\n  instances:\n    - url: https://a:1\n      srids: [A-1]\n      token: from-file\n';
    const config = loadConfig({
      env: { ISPW_MCP_CONFIG: '/c.yaml', ISPW_MCP_CES_TOKEN: 'from-env', ISPW_MCP_CES_TOKEN_FILE: '/run/t' },
      readFile: files({ '/c.yaml': file }),
    });
    expect(config.ces.instances[0]).toMatchObject({ tokenFile: '/run/t' });
    expect(config.ces.instances[0]!.token).toBeUndefined();
  });

  it('applies env settings to the named default instance of a multi-instance file', () => {
    const file = [
      'ces:',
      '  defaultInstance: test',
      '  instances:',
      '    - { name: prod, url: "https://p:1", srids: [P-1], tokenFile: /p }',
      '    - { name: test, url: "https://t:1", srids: [T-1, T-2], tokenFile: /t }',
    ].join('\n');
    const config = loadConfig({ env: { ISPW_MCP_CONFIG: '/c.yaml', ISPW_MCP_RUNTIME_CONFIG: 'TPZP' }, readFile: files({ '/c.yaml': file }) });
    expect(config.ces.instances.map((i) => [i.name, i.runtimeConfig])).toEqual([
      ['prod', undefined],
      ['test', 'TPZP'],
    ]);
  });

  it('splits comma-separated lists', () => {
    const config = loadConfig({ env: { ...baseEnv, ISPW_MCP_SRID: 'A-1, B-2', ISPW_MCP_ALLOWED_HOSTS: 'x.example,y.example' }, readFile: files({}) });
    expect(config.ces.instances[0]!.srids).toEqual(['A-1', 'B-2']);
    expect(config.http.allowedHosts).toEqual(['x.example', 'y.example']);
  });

  it('reports every problem at once, naming env var and flag', () => {
    const error = (() => {
      try {
        loadConfig({ env: { ISPW_MCP_PORT: 'eighty', ISPW_MCP_TRANSPORT: 'carrier-pigeon' }, readFile: files({}) });
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('ISPW_MCP_PORT or --port');
    expect(error.message).toContain('ISPW_MCP_TRANSPORT or --transport: expected one of stdio, http');
  });

  it('never silently ignores unknown keys in the config file: a warning in dev, a refusal in prod (issue #3)', () => {
    const input = (profile: string) => ({
      env: { ...baseEnv, ISPW_MCP_CONFIG: '/c.yaml', ISPW_MCP_PROFILE: profile },
      readFile: files({ '/c.yaml': 'http:\n  prot: 80\n' }),
    });
    expect(inspectConfig(input('dev')).warnings.join('\n')).toMatch(/http\.prot/);
    expect(() => loadConfig(input('prod'))).toThrow(/http\.prot/);
  });

  it('requires url, srid and a token for a configured instance', () => {
    expect(() => loadConfig({ env: { ISPW_MCP_RUNTIME_CONFIG: 'TPZP' }, readFile: files({}) })).toThrow(
      /ISPW_MCP_CES_URL[\s\S]*ISPW_MCP_SRID[\s\S]*ISPW_MCP_CES_TOKEN_FILE/,
    );
  });

  it('takes a CES callback URL only for the HTTP transport, and refuses one that is not http(s)', () => {
    const callback = { ISPW_MCP_CES_CALLBACK_URL: 'https://ispw-mcp-{hostname}.example.com' };
    expect(() => loadConfig({ env: { ...baseEnv, ...callback }, readFile: files({}) })).toThrow(/CES callbacks need the HTTP transport/);
    const config = loadConfig({ env: { ...baseEnv, ...callback, ISPW_MCP_TRANSPORT: 'http' }, readFile: files({}) });
    expect(config.wait).toMatchObject({
      callbackUrl: callback.ISPW_MCP_CES_CALLBACK_URL,
      callbackEvents: ['completed', 'failed', 'terminated'],
      callbackMaxPollIntervalMs: 30000,
    });
    expect(loadConfig({ env: baseEnv, readFile: files({}) }).wait.callbackUrl).toBeUndefined();
    const httpWith = (url: string) => ({ env: { ...baseEnv, ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_CES_CALLBACK_URL: url }, readFile: files({}) });
    for (const bad of [
      'ftp://x.example.com',
      'https://x.example.com/base',
      'https://x.example.com/?a=1',
      'https://x.example.com/#f',
      'https://u:p@x.example.com',
    ]) {
      expect(() => loadConfig(httpWith(bad)), bad).toThrow(/ISPW_MCP_CES_CALLBACK_URL/);
    }
    expect(loadConfig(httpWith('http://10.1.2.3:8080/')).wait.callbackUrl).toBe('http://10.1.2.3:8080/');
  });

  it('rejects a non-http CES URL with an example', () => {
    expect(() => loadConfig({ env: { ...baseEnv, ISPW_MCP_CES_URL: 'ftp://x' }, readFile: files({}) })).toThrow(/https:\/\/ces.example.com:48226/);
  });

  it('never echoes a secret value in an error', () => {
    const canary = 'canary-9f1c2b7e-token';
    try {
      loadConfig({ env: { ISPW_MCP_CES_TOKEN: canary, ISPW_MCP_PORT: 'x' }, readFile: files({}) });
    } catch (error) {
      expect(String(error)).not.toContain(canary);
      expect(JSON.stringify(error)).not.toContain(canary);
    }
  });

  it('reports an unreadable or malformed config file clearly', () => {
    expect(() => loadConfig({ env: { ISPW_MCP_CONFIG: '/missing.yaml' }, readFile: files({}) })).toThrow(/cannot read \/missing.yaml/);
    expect(() => loadConfig({ env: { ISPW_MCP_CONFIG: '/bad.yaml' }, readFile: files({ '/bad.yaml': 'a: [1,\n' }) })).toThrow(/not valid YAML/);
  });
});
