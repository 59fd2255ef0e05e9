// The hash chain of the audit trail: every line carries the SHA-256 of itself (without the hash
// field) and the hash of the previous line, so an edited, inserted, reordered or deleted line
// breaks the chain. Hashes cover the exact bytes written — no re-serialisation, no canonical form.
import { createHash } from 'node:crypto';

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"}$/;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Seals a serialised event (a JSON object without `hash`): returns the line and its hash. */
export function seal(body: string): { line: string; hash: string } {
  const hash = sha256(body);
  return { line: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** Recomputes a line's hash; undefined when the line has no trailing hash field. */
export function check(line: string): { claimed: string; actual: string } | undefined {
  const match = HASH_SUFFIX.exec(line);
  if (!match) return undefined;
  return { claimed: match[1]!, actual: sha256(`${line.slice(0, match.index)}}`) };
}
