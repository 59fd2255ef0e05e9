// CES echoing the token in other forms: the CES client redacts it from errors and from a reply's
// `message` whether CES sends it as is, upper- or lower-cased, base64 or base64url (also inside a
// longer encoded value), hex, URL-encoded, or cut to a long prefix; and caps CES message text.
import { inspect } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { createCesClient, type CesClient } from '../../src/ces/client.js';
import { CesError } from '../../src/ces/errors.js';
import { ops } from '../../src/ces/operations.js';
import { capMessage, FRAGMENT_CHARS, MAX_CES_MESSAGE_CHARS, redactSecrets } from '../../src/ces/redaction.js';
import { type Handler, json, startFakeCes } from './fake-ces.js';

const TOKEN = 'c1d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const PASSPHRASE = 'passphrase-3b9d5e7f1a2c';
const bytes = Buffer.from(TOKEN);

/** The forms a CES has been seen (or could be) echoing; each must disappear. */
export const ECHOES: [string, string][] = [
  ['as is', TOKEN],
  ['upper case', TOKEN.toUpperCase()],
  ['base64', bytes.toString('base64')],
  ['base64url', bytes.toString('base64url')],
  ['base64 inside Basic credentials', Buffer.from(`ispw-user:${TOKEN}`).toString('base64')],
  ['hex', bytes.toString('hex')],
  ['HEX', bytes.toString('hex').toUpperCase()],
  ['URL-encoded base64', encodeURIComponent(Buffer.from(`x${TOKEN}`).toString('base64'))],
  ['a long prefix', TOKEN.slice(0, 20)],
  ['a long suffix', TOKEN.slice(-14)],
];

/** Names of the forms `text` still carries (a 12-character run from the middle of each, where the secret is). */
function carries(text: string): string[] {
  return ECHOES.filter(([, form]) => {
    const middle = Math.max(0, Math.floor(form.length / 2) - FRAGMENT_CHARS / 2);
    const needle = form.slice(middle, middle + FRAGMENT_CHARS);
    return text.toLowerCase().includes(needle.toLowerCase());
  }).map(([name]) => name);
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

async function clientFor(handler: Handler): Promise<CesClient> {
  const ces = await startFakeCes(handler);
  const client = createCesClient({ name: 'test', url: ces.url, token: () => TOKEN, timeoutMs: 2000, retries: 0, tls: { clientKeyPassphrase: PASSPHRASE } });
  cleanup.push(
    () => ces.close(),
    () => client.close(),
  );
  return client;
}

describe('redaction of secrets CES echoes', () => {
  it('the detector used below finds every form before redaction', () => {
    for (const [name, form] of ECHOES) expect(carries(`CES said ${form} here`), name).toContain(name);
  });

  it.each(ECHOES)('an error message with the token %s', async (_name, form) => {
    const client = await clientFor((_req, res) => json(res, 401, { message: `token ${form} is not valid for this host connection` }));
    const error = (await client.call('CW09', ops.getAssignment, { path: { assignmentId: 'PLAY000313' } }).catch((e: unknown) => e)) as CesError;
    expect(error).toBeInstanceOf(CesError);
    for (const text of [error.message, error.details.cesMessage ?? '', inspect(error, { depth: 20 }), JSON.stringify(error)]) expect(carries(text)).toEqual([]);
    expect(error.details.cesMessage).toMatch(/^token \S*\[redacted\]\S* is not valid/);
  });

  it.each(ECHOES)("a successful reply's message with the token %s", async (_name, form) => {
    const client = await clientFor((_req, res) =>
      json(res, 200, { setId: 'S000123', message: `Set S000123 created for ${form}`, url: 'http://ces/ispw/CW09/sets/S000123' }),
    );
    const reply = await client.call('CW09', ops.generateTasks, { path: { assignmentId: 'PLAY000313' }, query: { level: 'DEV1' }, body: {} });
    expect(carries(JSON.stringify(reply))).toEqual([]);
    expect(reply.message).toContain('[redacted]');
  });

  it('the key passphrase is redacted too, and a fragment shorter than the threshold is left alone', () => {
    expect(redactSecrets(`pass=${PASSPHRASE.toUpperCase()}`, [TOKEN, PASSPHRASE])).toBe('pass=[redacted]');
    expect(redactSecrets(`id ${TOKEN.slice(0, FRAGMENT_CHARS - 1)}`, [TOKEN])).toBe(`id ${TOKEN.slice(0, FRAGMENT_CHARS - 1)}`);
    expect(redactSecrets('ordinary message about PLAY000313', [TOKEN, 'abc'])).toBe('ordinary message about PLAY000313');
  });

  it('caps CES message text in errors and replies', async () => {
    const long = `${'mainframe says '.repeat(500)}${TOKEN}`;
    const client = await clientFor((req, res) => (req.method === 'GET' ? json(res, 500, { message: long }) : json(res, 200, { setId: 'S1', message: long })));
    const error = (await client.call('CW09', ops.getAssignment, { path: { assignmentId: 'PLAY000313' } }).catch((e: unknown) => e)) as CesError;
    expect(error.details.cesMessage!.length).toBeLessThan(MAX_CES_MESSAGE_CHARS + 60);
    expect(error.details.cesMessage).toMatch(/… \[\d+ more characters not shown\]$/);
    expect(error.message.length).toBeLessThan(MAX_CES_MESSAGE_CHARS + 200);
    const reply = await client.call('CW09', ops.generateTasks, { path: { assignmentId: 'PLAY000313' }, query: { level: 'DEV1' }, body: {} });
    expect(reply.message!.length).toBeLessThan(MAX_CES_MESSAGE_CHARS + 60);
    expect(capMessage('ok')).toBe('ok');
    expect(capMessage(`${'a'.repeat(9)}😀`, 10)).toBe(`${'a'.repeat(9)}… [2 more characters not shown]`);
  });
});
