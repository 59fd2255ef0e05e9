// Canary secrets: distinctive values used as the CES token, a token CES rejects, a key passphrase
// and client key material, so a test can scan everything the process printed or exported and fail
// if any of them appears. `leaks(text)` names the canaries found (never prints their values).
import { createTestPki, encryptKey, type TestPki } from './certs.js';

export const CANARY_TOKEN = 'canary-ces-token-6a0f4e1d9b7c4e2f';
export const CANARY_REJECTED_TOKEN = 'canary-rejected-token-93c1d0aa5e7b';
export const CANARY_PASSPHRASE = 'canary-key-passphrase-2f8e61b4c0';

export interface CanaryKit {
  pki: TestPki;
  /** The client key encrypted with CANARY_PASSPHRASE. */
  encryptedClientKey: string;
  /** name → value of every canary, including each base64 line of the key PEMs. */
  canaries: Map<string, string>;
}

const pemLines = (pem: string) => pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));

export async function canaryKit(): Promise<CanaryKit> {
  const pki = await createTestPki();
  const encryptedClientKey = encryptKey(pki.client.key, CANARY_PASSPHRASE);
  const canaries = new Map<string, string>([
    ['CES token', CANARY_TOKEN],
    ['rejected CES token', CANARY_REJECTED_TOKEN],
    ['key passphrase', CANARY_PASSPHRASE],
  ]);
  pemLines(pki.client.key).forEach((line, i) => canaries.set(`client key line ${i}`, line));
  pemLines(encryptedClientKey).forEach((line, i) => canaries.set(`encrypted client key line ${i}`, line));
  pemLines(pki.server.key).forEach((line, i) => canaries.set(`server key line ${i}`, line));
  return { pki, encryptedClientKey, canaries };
}

/**
 * The forms a secret may be echoed in (by CES, or by a careless log line): as is, base64, base64url,
 * hex, URL-encoded; matched case-insensitively, so upper- and lower-cased copies count too.
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value);
  // base64 of the value inside a longer value (e.g. `user:token`): the other two byte alignments,
  // without the leading group that mixes in the bytes before it.
  const shifted = [1, 2].map((pad) =>
    Buffer.concat([Buffer.alloc(pad), bytes])
      .toString('base64')
      .slice(4)
      .replace(/=+$/, ''),
  );
  return [value, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), ...shifted, bytes.toString('hex'), encodeURIComponent(value)];
}

/** A leak of a prefix this long counts (the redaction threshold is 12 characters: docs/security.md). */
export const LEAK_PREFIX = 16;

/**
 * Names of the canaries that occur in `text`: in any of their encoded forms, in any case, or a
 * prefix of LEAK_PREFIX characters of one. Never prints the values.
 */
export function leaks(text: string, canaries: Map<string, string>): string[] {
  const haystack = text.toLowerCase();
  const found: string[] = [];
  for (const [name, value] of canaries) {
    const needles = encodedForms(value)
      .flatMap((form) => [form, form.slice(0, LEAK_PREFIX)])
      .map((n) => n.toLowerCase());
    if (needles.some((needle) => needle.length >= 8 && haystack.includes(needle))) found.push(name);
  }
  return found;
}

/** How a CES could echo `token`: the forms the canary tests make it send back. */
export function echoesOf(token: string): string[] {
  const bytes = Buffer.from(token);
  return [
    token.toUpperCase(),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    Buffer.from(`user:${token}`).toString('base64'),
    bytes.toString('hex').toUpperCase(),
    encodeURIComponent(bytes.toString('base64')),
    token.slice(0, 20),
  ];
}
