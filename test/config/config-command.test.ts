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
