// A CES request that gets no HTTP answer logs, at debug level, what Node or undici actually said
// (the cause chain), so "Cannot reach CES … (TypeError)" can be traced to its reason — without the
// token, the key passphrase or credentials in a proxy URL.
import { Writable } from 'node:stream';

import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { createCesClient } from '../../src/ces/client.js';
import { causeChainForLog } from '../../src/ces/failures.js';
import { ops } from '../../src/ces/operations.js';
import { startFakeCes } from './fake-ces.js';
import { failure } from '../support/ces-failure.js';

const TOKEN = 'canary-3f1d-token-never-logged';
const PASSPHRASE = 'canary-passphrase-never-logged';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

function capture(level: string) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function refusedUrl(): Promise<string> {
  const ces = await startFakeCes(() => undefined);
  await ces.close();
  return ces.url;
}

describe('the cause of a CES transport failure', () => {
  it('is logged at debug with the code and message Node gave, and no secret', async () => {
    const log = capture('debug');
    const client = createCesClient({
      name: 'down',
      url: await refusedUrl(),
      token: () => TOKEN,
      retries: 0,
      logger: log.logger,
      tls: { clientKeyPassphrase: PASSPHRASE },
    });
    cleanup.push(() => client.close());
    const error = await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(error.message).toMatch(/refused/);

    const failed = log.records().find((r) => r.msg === 'CES call failed');
    expect(failed, log.lines.join('')).toBeDefined();
    const cause = failed!.cause as { name: string; code?: string; message: string }[];
    expect(
      cause.some((c) => c.code === 'ECONNREFUSED'),
      JSON.stringify(cause),
    ).toBe(true);
    expect(cause.every((c) => typeof c.message === 'string')).toBe(true);
    expect(log.lines.join('')).not.toContain(TOKEN);
    expect(log.lines.join('')).not.toContain(PASSPHRASE);
  });

  it('is not logged above debug level', async () => {
    const log = capture('info');
    const client = createCesClient({ name: 'down', url: await refusedUrl(), token: () => TOKEN, retries: 0, logger: log.logger });
    cleanup.push(() => client.close());
    await failure(client.call('ISPW', ops.getSet, { path: { setId: 'S1' } }));
    expect(log.records().filter((r) => r.msg === 'CES call failed')).toEqual([]);
  });

  it('names a TypeError with its first stack frame, removes secrets and URL credentials, and caps messages', () => {
    const inner = Object.assign(new Error(`connect to http://proxyuser:proxypass@proxy.example:3128 failed with ${TOKEN}`), { code: 'UND_ERR_SOCKET' });
    const outer = new TypeError(`webidl converter failed for ${PASSPHRASE} ${'x'.repeat(1000)}`, { cause: inner });
    const chain = causeChainForLog(outer, (text) => text.split(TOKEN).join('[redacted]').split(PASSPHRASE).join('[redacted]'));
    expect(chain).toHaveLength(2);
    expect(chain[0]).toMatchObject({ name: 'TypeError', message: expect.stringContaining('webidl converter failed for [redacted]') });
    expect(chain[0]!.at).toMatch(/^at /);
    expect(chain[0]!.message.length).toBeLessThanOrEqual(300);
    expect(chain[1]).toEqual({ name: 'Error', code: 'UND_ERR_SOCKET', message: 'connect to http://[redacted]@proxy.example:3128 failed with [redacted]' });
    const text = JSON.stringify(chain);
    for (const secret of [TOKEN, PASSPHRASE, 'proxyuser', 'proxypass']) expect(text).not.toContain(secret);
  });

  it('stops after five causes, even for a cyclic chain', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(causeChainForLog(error, (t) => t)).toHaveLength(5);
  });
});
