// Checks an audit file's hash chain: each line's own hash, the link to the previous line, the
// sequence numbers and the event schema. Any edited, inserted, reordered or deleted line is found;
// deleting lines at the very end is not (forward the stream to a SIEM as it is written for that).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

import { check } from './chain.js';
import { AuditEvent, AUDIT_STREAM, GENESIS_HASH } from './schema.js';

export interface VerifyProblem {
  line: number;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  /** Sequence number and hash of the first event when the file does not start the chain (rotated file). */
  continuesFrom?: { seq: number; prevHash: string };
  lastHash?: string;
  problems: VerifyProblem[];
}

export interface VerifyOptions {
  /** Accept a file that continues a chain from an earlier (rotated) file. Default false. */
  allowContinuation?: boolean;
  /** Stop after this many problems (default 20). */
  maxProblems?: number;
}

/** Verifies lines (of a file, or of a stream already filtered to `"stream":"audit"` lines). */
export async function verifyAuditLines(lines: AsyncIterable<string> | Iterable<string>, options: VerifyOptions = {}): Promise<VerifyResult> {
  const maxProblems = options.maxProblems ?? 20;
  const problems: VerifyProblem[] = [];
  const result: VerifyResult = { ok: false, events: 0, problems };
  let prev: { seq: number; hash: string } | undefined;
  let number = 0;
  for await (const raw of lines) {
    number += 1;
    const line = raw.trimEnd();
    if (line === '') continue;
    if (problems.length >= maxProblems) break;
    const sealed = check(line);
    if (!sealed) {
      problems.push({ line: number, message: 'not an audit event: no trailing hash field' });
      prev = undefined;
      continue;
    }
    if (sealed.claimed !== sealed.actual) problems.push({ line: number, message: 'content changed: the hash does not match the line' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push({ line: number, message: 'not valid JSON' });
      prev = { seq: NaN, hash: sealed.claimed };
      continue;
    }
    const event = AuditEvent.safeParse(parsed);
    if (!event.success) {
      const first = event.error.issues[0];
      problems.push({ line: number, message: `does not match audit schema v1: ${first?.path.join('.') || '(root)'}: ${first?.message ?? ''}` });
    }
    const { seq, prevHash, stream } = parsed as { seq?: number; prevHash?: string; stream?: string };
    if (stream !== AUDIT_STREAM) problems.push({ line: number, message: 'missing the "stream":"audit" marker' });
    if (prev === undefined && result.events === 0) {
      if (seq !== 1 || prevHash !== GENESIS_HASH) {
        if (options.allowContinuation) result.continuesFrom = { seq: seq ?? NaN, prevHash: prevHash ?? '' };
        else problems.push({ line: number, message: `the chain does not start here (seq ${seq}): earlier events are missing, or this is a rotated file (use --allow-continuation)` });
      }
    } else if (prev !== undefined) {
      if (prevHash !== prev.hash) problems.push({ line: number, message: 'chain broken: prevHash is not the hash of the previous line (a line was deleted, inserted or reordered)' });
      if (seq !== prev.seq + 1) problems.push({ line: number, message: `sequence jumps from ${prev.seq} to ${seq}` });
    }
    prev = { seq: seq ?? NaN, hash: sealed.claimed };
    result.events += 1;
  }
  if (prev) result.lastHash = prev.hash;
  result.ok = problems.length === 0 && result.events > 0;
  if (result.events === 0 && problems.length === 0) problems.push({ line: 0, message: 'no audit events found' });
  return result;
}

export async function verifyAuditFile(path: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    return await verifyAuditLines(lines, options);
  } finally {
    lines.close();
    input.destroy();
  }
}
