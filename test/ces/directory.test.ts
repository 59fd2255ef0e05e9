// The instance directory: SRID resolution (default, case-insensitive, unknown), configuration
// checks, describe() without secrets, and that calls reach the owning instance.
import { afterEach, describe, expect, it } from 'vitest';

import type { CesDirectory } from '../../src/ces/api.js';
import { type CesInstanceOptions, createCesDirectory } from '../../src/ces/directory.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { inputError } from '../support/ces-failure.js';
import { type FakeCes, json, startFakeCes } from './fake-ces.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

const instance = (name: string, url: string, srids: string[], extra: Partial<CesInstanceOptions> = {}): CesInstanceOptions => ({
  name,
  url,
  srids,
  token: () => `token-of-${name}`,
  timeoutMs: 2_000,
  retries: 0,
  ...extra,
});

function directory(instances: CesInstanceOptions[], defaultInstance?: string): CesDirectory {
  const dir = createCesDirectory({ instances, ...(defaultInstance === undefined ? {} : { defaultInstance }), version: '9.9.9' });
  cleanup.push(() => dir.close());
  return dir;
}

describe('createCesDirectory', () => {
  it('resolves the default, owned SRIDs case-insensitively, and lists SRIDs for unknown ones', () => {
    const dir = directory(
      [
        instance('test', 'https://ces-test:48226/compuware', ['cw09-47623', 'TEST2'], { runtimeConfig: 'TPZT' }),
        instance('prod', 'https://ces-prod:48226', ['PROD-1'], { runtimeConfig: 'TPZP' }),
      ],
      'prod',
    );
    expect(dir.resolve()).toMatchObject({ instance: 'prod', srid: 'PROD-1', runtimeConfig: 'TPZP' });
    expect(dir.resolve('  ')).toMatchObject({ instance: 'prod', srid: 'PROD-1' });
    // The configured spelling goes on the wire (docs/ces-api.md §1.2).
    expect(dir.resolve('CW09-47623')).toMatchObject({ instance: 'test', srid: 'cw09-47623', runtimeConfig: 'TPZT' });
    expect(dir.resolve('test2')).toMatchObject({ instance: 'test', srid: 'TEST2' });
    const error = inputError(() => dir.resolve('nope'));
    expect(error.message).toContain('cw09-47623, TEST2, PROD-1');
    expect(dir.describe()).toEqual([
      { instance: 'test', url: 'https://ces-test:48226', srids: ['cw09-47623', 'TEST2'], default: false },
      { instance: 'prod', url: 'https://ces-prod:48226', srids: ['PROD-1'], default: true },
    ]);
    expect(JSON.stringify(dir.describe())).not.toContain('token-of');
  });

  it('defaults to the first instance', () => {
    const dir = directory([instance('a', 'http://a:1', ['A1']), instance('b', 'http://b:1', ['B1'])]);
    expect(dir.resolve().srid).toBe('A1');
  });

  it('refuses inconsistent configurations', () => {
    inputError(() => createCesDirectory({ instances: [] }));
    inputError(() => createCesDirectory({ instances: [instance('a', 'http://a:1', [])] }));
    inputError(() => createCesDirectory({ instances: [instance('a', 'http://a:1', ['X']), instance('a', 'http://b:1', ['Y'])] }));
    inputError(() => createCesDirectory({ instances: [instance('a', 'http://a:1', ['X']), instance('b', 'http://b:1', ['x'])] }));
    inputError(() => createCesDirectory({ instances: [instance('a', 'http://a:1', ['bad/srid'])] }));
    inputError(() => createCesDirectory({ instances: [instance('a', 'ftp://a:1', ['X'])] }));
    inputError(() => createCesDirectory({ instances: [instance('a', 'http://a:1', ['X'])], defaultInstance: 'zzz' }));
  });

  it('sends each call to the instance that owns the SRID, with its own token', async () => {
    const servers: FakeCes[] = [];
    for (let i = 0; i < 2; i++) {
      const ces = await startFakeCes((_req, res) => json(res, 200, { setid: `S${i}` }));
      cleanup.push(() => ces.close());
      servers.push(ces);
    }
    const [one, two] = servers as [FakeCes, FakeCes];
    const dir = directory([instance('one', one.url, ['SR1']), instance('two', `${two.url}/ispw/`, ['SR2'])]);
    expect((await dir.resolve('sr2').call(ops.getSet, { path: { setId: 'S9' } })).setid).toBe('S1');
    expect((await dir.resolve().call(ops.getSet, { path: { setId: 'S9' } }, { requestId: 'r1' })).setid).toBe('S0');
    expect(two.requests[0]?.url).toBe('/ispw/SR2/sets/S9');
    expect(two.requests[0]?.headers.authorization).toBe('token-of-two');
    expect(two.requests[0]?.headers['user-agent']).toBe('ispw-mcp/9.9.9');
    expect(one.requests[0]?.headers.authorization).toBe('token-of-one');
    expect(one.requests[0]?.headers['x-request-id']).toBe('r1');
  });

  it('reports a missing token with the configured hint', async () => {
    const dir = directory([
      instance('a', 'http://127.0.0.1:1', ['A1'], { token: () => undefined, tokenHint: 'the token file /run/secrets/ces-token is missing or empty' }),
    ]);
    const error = await dir
      .resolve()
      .call(ops.getSet, { path: { setId: 'S1' } })
      .catch((e: unknown) => e as CesError);
    expect(error).toBeInstanceOf(CesError);
    expect((error as CesError).code).toBe('ces_auth');
    expect((error as CesError).message).toContain('/run/secrets/ces-token');
  });
});
