// `config check` and `config schema` rendering: secrets redacted, the source of each value, file
// status, exit codes; the JSON Schema closes objects and carries the option table's descriptions.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { renderConfigCheck, renderConfigSchema } from '../../src/commands/config.js';
import { inspectConfig } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'check-canary-0c4d9e';

describe('config check', () => {
  it('shows values with their source, redacts secrets and reports secret files', () => {
    writeFileSync(join(dir, 'token'), 'x');
    const file = `ces:\n  instances:\n    - name: main\n      url: https://ces.example.com:48226\n      srids: [CW09-47623]\n      token: ${SECRET}\n`;
    const report = inspectConfig({
      env: { ISPW_MCP_CONFIG: '/c.yaml', ISPW_MCP_PORT: '9000', ISPW_MCP_CA_FILE: join(dir, 'missing-ca.pem') },
      flags: { logLevel: 'debug' },
      readFile: () => file,
    });
    const { text, exitCode } = renderConfigCheck(report);
    expect(exitCode).toBe(0);
    expect(text).not.toContain(SECRET);
    expect(text).toMatch(/ces\.instances\[main\]\.token\s+\[redacted\]\s+file/);
    expect(text).toMatch(/http\.port\s+9000\s+env/);
    expect(text).toMatch(/log\.level\s+debug\s+flag/);
    expect(text).toMatch(/wait\.pollIntervalMs\s+2000\s+default/);
    expect(text).toMatch(/caFile\s+.*missing-ca\.pem\s+\(NOT READABLE \(ENOENT\)\)\s+env/);
    expect(text).toMatch(/The prod profile would also refuse:\n\s+- ces\.instances\[main\]\.token \(config file \/c\.yaml\)/);
  });

  it('exits 1 when the profile refuses and 2 when the configuration is invalid', () => {
    const env = { ISPW_MCP_CES_URL: 'http://ces:1', ISPW_MCP_SRID: 'A-1', ISPW_MCP_CES_TOKEN_FILE: '/t' };
    expect(renderConfigCheck(inspectConfig({ env: { ...env, ISPW_MCP_PROFILE: 'prod' }, readFile: () => '' })).exitCode).toBe(1);
    const invalid = renderConfigCheck(inspectConfig({ env: { ...env, ISPW_MCP_PORT: 'eighty' }, readFile: () => '' }));
    expect(invalid.exitCode).toBe(2);
    expect(invalid.text).toMatch(/Invalid settings:\n\s+- ISPW_MCP_PORT or --port/);
  });

  it('reports what serve would refuse: no CES instance, an open HTTP binding (and keeps the table)', () => {
    const check = renderConfigCheck(inspectConfig({ env: { ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0' }, readFile: () => '' }));
    expect(check.exitCode).toBe(2);
    expect(check.text).toMatch(/Invalid settings:\n\s+- no CES instance configured: set ISPW_MCP_CES_URL/);
    expect(check.text).toMatch(/- http\.host \(ISPW_MCP_HOST\) 0\.0\.0\.0 is not a loopback address .*--allow-unauthenticated/);
    expect(check.text).toMatch(/http\.host\s+0\.0\.0\.0\s+env/);
    expect(check.text).toMatch(/Result: INVALID/);
    // Accepting the risk, or authenticating clients, clears the binding problem (dev profile).
    const ces = { ISPW_MCP_CES_URL: 'https://ces.example.com:48226', ISPW_MCP_SRID: 'A-1', ISPW_MCP_CES_TOKEN_FILE: '/t' };
    const open = { ...ces, ISPW_MCP_TRANSPORT: 'http', ISPW_MCP_HOST: '0.0.0.0' };
    expect(inspectConfig({ env: { ...open, ISPW_MCP_ALLOW_UNAUTHENTICATED: 'true' }, readFile: () => '' }).errors).toEqual([]);
    expect(
      inspectConfig({
        env: { ...open, ISPW_MCP_AUTH_ISSUER: 'https://idp.example.com', ISPW_MCP_AUTH_AUDIENCE: 'https://mcp.example.com/mcp' },
        readFile: () => '',
      }).errors,
    ).toEqual([]);
    // prod lists the open binding once, as its refusal.
    const prod = inspectConfig({ env: { ...open, ISPW_MCP_PROFILE: 'prod' }, readFile: () => '' });
    expect(prod.errors).toEqual([]);
    expect(prod.refusals.join('\n')).toMatch(/not a loopback address/);
  });
});

describe('config schema', () => {
  it('is JSON Schema with closed objects and documented settings', () => {
    const schema = JSON.parse(renderConfigSchema());
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.http.additionalProperties).toBe(false);
    const instance = schema.properties.ces.properties.instances.items;
    expect(instance.additionalProperties).toBe(false);
    expect(instance.properties.tokenFile.description).toContain('ISPW_MCP_CES_TOKEN_FILE');
    expect(instance.properties.caMode.enum).toEqual(['add', 'replace']);
    expect(schema.properties.profile.enum).toEqual(['dev', 'stage', 'prod']);
  });
});
