// Checks the hash chain of an audit file, or of a rotated set of files read in order as one chain:
// each line's own hash, the link to the previous line, the sequence numbers and the event schema.
// Any edited, inserted, reordered or deleted line is found, and so is a missing, cut or reordered
// file of a rotated set (its neighbour no longer links to it); deleting lines at the very end of
// the newest file is not (forward the stream to a SIEM as it is written for that).
//
// Bytes that are not an event are accepted only in one case: they are followed by an
// `audit.recovered` event whose description (length and SHA-256) matches them exactly — the sink's
// record of a write torn by a crash or a full disk (file-tail.ts). Lines are read as raw bytes, so
// a record cut inside a multi-byte character still hashes as written.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

import { check } from './chain.js';
import { AUDIT_RECOVERED, AUDIT_STREAM, AuditLine, GENESIS_HASH } from './schema.js';

export interface VerifyProblem {
  /** The file, when several were verified. */
  file?: string;
  line: number;
  message: string;
}

export interface VerifiedFile {
  file: string;
  events: number;
  firstSeq?: number;
  lastSeq?: number;
}

export interface Recovered {
  file: string;
  /** Line of the `audit.recovered` event. */
  line: number;
  bytes: number;
}

export interface VerifyResult {
  ok: boolean;
  events: number;
  /** Sequence number and hash of the first event when the chain does not start in the first file (rotated file). */
  continuesFrom?: { seq: number; prevHash: string };
  lastHash?: string;
  problems: VerifyProblem[];
  files: VerifiedFile[];
  /** Torn tails that an `audit.recovered` event accounts for. */
  recovered: Recovered[];
}

export interface VerifyOptions {
  /** Accept a chain that continues from an earlier (rotated or deleted) file. Default false. */
  allowContinuation?: boolean;
  /** Stop after this many problems (default 20). */
  maxProblems?: number;
}

export interface AuditSource {
  name: string;
  lines: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
}

const NEWLINE = 0x0a;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The lines of a file as raw bytes (without the newline); a last line without newline included. */
export async function* fileLines(path: string): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(NEWLINE); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
      yield data.subarray(start, nl);
      start = nl + 1;
    }
    rest = Buffer.from(data.subarray(start));
    data = rest;
  }
  if (rest.length > 0) yield rest;
}

class ChainCheck {
  readonly result: VerifyResult = { ok: false, events: 0, problems: [], files: [], recovered: [] };
  private prev: { seq: number; hash: string; file: string } | undefined;
  /** Raw lines since the last event, and where the first non-event among them was. */
  private sinceEvent: Buffer[] = [];
  private strays: { file: string; line: number }[] = [];
  private current!: VerifiedFile;
  private firstInFile = true;

  constructor(
    private readonly options: VerifyOptions,
    private readonly named: boolean,
  ) {}

  get full(): boolean {
    return this.result.problems.length >= (this.options.maxProblems ?? 20);
  }

  startFile(name: string): void {
    this.current = { file: name, events: 0 };
    this.result.files.push(this.current);
    this.firstInFile = true;
  }

  private problem(line: number, message: string, file = this.current.file): void {
    this.result.problems.push(this.named ? { file, line, message } : { line, message });
  }

  line(number: number, raw: Buffer | string): void {
    const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    const text = bytes.toString('utf8').trimEnd();
    if (text === '') {
      if (this.prev || this.strays.length) this.sinceEvent.push(bytes);
      return;
    }
    const sealed = check(text);
    let parsed: unknown;
    if (sealed) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!sealed || parsed === undefined || typeof parsed !== 'object' || parsed === null) {
      // Not an event: accounted for only by a matching audit.recovered event that follows.
      this.sinceEvent.push(bytes);
      this.strays.push({ file: this.current.file, line: number });
      return;
    }
    if (sealed.claimed !== sealed.actual) this.problem(number, 'content changed: the hash does not match the line');
    const schema = AuditLine.safeParse(parsed);
    if (!schema.success) {
      const first = schema.error.issues[0];
      this.problem(number, `does not match audit schema v1: ${first?.path.join('.') || '(root)'}: ${first?.message ?? ''}`);
    }
    const { seq, prevHash, stream, type, recovery } = parsed as {
      seq?: number;
      prevHash?: string;
      stream?: string;
      type?: string;
      recovery?: { bytes?: number; sha256?: string };
    };
    if (stream !== AUDIT_STREAM) this.problem(number, 'missing the "stream":"audit" marker');
    this.settleStrays(number, type === AUDIT_RECOVERED ? recovery : undefined);
    this.link(number, seq, prevHash);
    this.prev = { seq: seq ?? NaN, hash: sealed.claimed, file: this.current.file };
    this.result.events += 1;
    this.current.events += 1;
    this.current.firstSeq ??= seq;
    this.current.lastSeq = seq;
    this.firstInFile = false;
  }

  /** Non-event bytes before this event are fine only when it is a recovery marker that describes them. */
  private settleStrays(number: number, recovery: { bytes?: number; sha256?: string } | undefined): void {
    const torn = Buffer.concat(this.sinceEvent.flatMap((b, i) => (i === 0 ? [b] : [Buffer.of(NEWLINE), b])));
    const strays = this.strays;
    this.sinceEvent = [];
    this.strays = [];
    if (recovery) {
      if (strays.length === 0 && torn.length === 0) {
        this.problem(number, 'an audit.recovered event without the torn bytes it describes before it (were they removed?)');
      } else if (torn.length !== recovery.bytes || sha256(torn) !== recovery.sha256) {
        this.problem(
          number,
          `the bytes before this audit.recovered event (${torn.length}) are not the torn bytes it describes (${recovery.bytes}): changed after recovery`,
        );
      } else {
        this.result.recovered.push({ file: this.current.file, line: number, bytes: torn.length });
      }
      return;
    }
    for (const stray of strays) this.problem(stray.line, 'not an audit event (no recovery event accounts for it)', stray.file);
  }

  private link(number: number, seq: number | undefined, prevHash: string | undefined): void {
    const prev = this.prev;
    if (prev === undefined) {
      if (seq !== 1 || prevHash !== GENESIS_HASH) {
        if (this.options.allowContinuation) this.result.continuesFrom = { seq: seq ?? NaN, prevHash: prevHash ?? '' };
        else
          this.problem(number, `the chain does not start here (seq ${seq}): earlier events are missing, or this is a rotated file (use --allow-continuation)`);
      }
      return;
    }
    // The first event of a file continues the last event of the previous file.
    const across = this.firstInFile && prev.file !== this.current.file ? prev.file : undefined;
    if (across !== undefined) {
      if (seq !== prev.seq + 1 || prevHash !== prev.hash) {
        const why =
          typeof seq === 'number' && seq > prev.seq + 1
            ? `seq jumps from ${prev.seq} to ${seq}: a file between them is missing, or ${across} was cut short`
            : `it does not link to the last event of ${across} (seq ${prev.seq}): the files are not in chain order, or a file was changed`;
        this.problem(number, `${this.current.file} does not continue ${across}: ${why}`);
      }
      return;
    }
    if (prevHash !== prev.hash) this.problem(number, 'chain broken: prevHash is not the hash of the previous line (a line was deleted, inserted or reordered)');
    if (seq !== prev.seq + 1) this.problem(number, `sequence jumps from ${prev.seq} to ${seq}`);
  }

  finish(): VerifyResult {
    // Non-event bytes at the very end: a write in progress, or a torn write not yet recovered.
    for (const stray of this.strays) {
      this.problem(
        stray.line,
        'an incomplete or invalid line at the end: a write in progress, or a torn write (the server names it by an audit.recovered event when it next starts)',
        stray.file,
      );
    }
    const r = this.result;
    if (this.prev) r.lastHash = this.prev.hash;
    r.ok = r.problems.length === 0 && r.events > 0;
    if (r.events === 0 && r.problems.length === 0) r.problems.push({ line: 0, message: 'no audit events found' });
    return r;
  }
}

/** Verifies several sources in order as one chain (a rotated set, oldest first). */
export async function verifyAuditSources(sources: AuditSource[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const chain = new ChainCheck(options, sources.length > 1);
  for (const source of sources) {
    chain.startFile(source.name);
    let number = 0;
    for await (const line of source.lines) {
      number += 1;
      if (chain.full) break;
      chain.line(number, line);
    }
  }
  return chain.finish();
}

/** Verifies lines (of a file, or of a stream already filtered to `"stream":"audit"` lines). */
export function verifyAuditLines(lines: AuditSource['lines'], options: VerifyOptions = {}): Promise<VerifyResult> {
  return verifyAuditSources([{ name: 'input', lines }], options);
}

/** Verifies files in order as one chain; each is named by its base name in problems. */
export function verifyAuditFiles(paths: string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  return verifyAuditSources(
    paths.map((path) => ({ name: basename(path), lines: fileLines(path) })),
    options,
  );
}

export function verifyAuditFile(path: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  return verifyAuditFiles([path], options);
}
