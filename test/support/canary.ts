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

/** Names of the canaries that occur in `text` (also base64- and URL-encoded forms of the short ones). */
export function leaks(text: string, canaries: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of canaries) {
    const forms = [value, Buffer.from(value).toString('base64'), encodeURIComponent(value)];
    if (forms.some((form) => text.includes(form))) found.push(name);
  }
  return found;
}
