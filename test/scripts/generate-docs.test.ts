// Generated documentation must match the code: run `npm run docs` after changing options or tools.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { renderConfigurationDoc } from '../../src/config/docs.js';
import { renderReadmeTables } from '../../scripts/lib/readme-tables.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { measureToolsList } from '../../scripts/generate-tools-doc.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('generated docs', () => {
  it('docs/configuration.md is up to date (npm run docs)', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigurationDoc());
  });
  it('README.md tables and the tools/list size are up to date (npm run docs)', async () => {
    const readme = read('README.md');
    expect(readme).toBe(renderReadmeTables(readme, ALL_TOOLS, await measureToolsList()));
  });
  it('describes the client authentication that exists (OAuth or listener mTLS), not a loopback-only prod', () => {
    const doc = renderConfigurationDoc();
    expect(doc).not.toMatch(/not built yet/);
    expect(doc).toMatch(/OAuth bearer tokens \(`auth\.issuer` and `auth\.audience`\) or mutual\s+TLS on the listener \(`auth\.tls\.clientCaFile`\)/);
  });
  it('every environment variable of the option table is documented in README.md', () => {
    const readme = read('README.md');
    for (const env of [
      'ISPW_MCP_CES_URL',
      'ISPW_MCP_CES_TOKEN_FILE',
      'ISPW_MCP_SRID',
      'ISPW_MCP_RUNTIME_CONFIG',
      'ISPW_MCP_CA_FILE',
      'ISPW_MCP_CLIENT_CERT_FILE',
      'ISPW_MCP_CLIENT_KEY_FILE',
      'ISPW_MCP_CONFIG',
    ]) {
      expect(readme).toContain(env);
    }
  });
});
