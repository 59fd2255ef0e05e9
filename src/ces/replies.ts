// Turns a CES HTTP answer into the operation's parsed reply or a `CesError` (docs/ces-api.md §3, §5):
// status → error code, CES's `{message}` → `cesMessage`, non-JSON or wrongly shaped bodies →
// `ces_bad_reply`. Text that came from CES (an error's message, a reply's `message`) is redacted of
// the token and passphrase in any common encoding and capped before it is put into an error or a
// reply (redaction.ts). Must not perform requests or retries (client.ts does).
import type { Dispatcher } from 'undici';

import { CesErrorBody } from './dto/common.js';
import { CesError, type CesErrorCode } from './errors.js';
import type { Operation } from './operations.js';
import { cesText, redactSecrets } from './redaction.js';

export const MiB = 1024 * 1024;
/** Error bodies are only read this far: their `message` is all that matters (§5). */
export const ERROR_BODY_LIMIT = 64 * 1024;
export type FailureKind = 'transport' | 'tls' | 'timeout' | 'status' | 'reply';
export interface FailureInfo {
  kind: FailureKind;
  status?: number;
  retryAfterMs?: number;
}
// Classification used by the retry and breaker policies; kept off the error object so nothing
// internal leaks into what callers serialise.
const failures = new WeakMap<CesError, FailureInfo>();

/** Records how a call failed, for the retry and breaker policies. */
export const classified = (error: CesError, info: FailureInfo): CesError => {
  failures.set(error, info);
  return error;
};

/** How a call failed, when the client itself raised the error. */
export const failureInfo = (error: unknown): FailureInfo | undefined => (error instanceof CesError ? failures.get(error) : undefined);

/** Parses `Retry-After` (delta seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function statusCode(status: number): CesErrorCode {
  if (status === 401 || status === 403) return 'ces_auth';
  if (status === 404) return 'ces_not_found';
  if (status === 409) return 'ces_conflict';
  if (status === 429) return 'ces_rate_limited';
  if (status >= 500) return 'ces_server';
  return 'ces_rejected';
}

/** Secrets removed from text that came from outside (CES replies, errors), in any common encoding (redaction.ts). */
export const redact = redactSecrets;

/** An error listener for a reply body whose error no longer matters (read already answered, or dropped): without one, it would crash the process. */
export const ignoreLateError = (): undefined => undefined;

/**
 * Reads a body up to `limit` bytes: beyond it, `undefined` (or the first `limit` bytes when truncating).
 * Event listeners rather than `for await`: an async iterator over the body costs a `finished` watcher
 * and a promise per chunk on every CES reply (docs/performance.md, optimisation 17). Errors and an
 * early close reject as the iterator did.
 */
export function readBody(body: Dispatcher.ResponseData['body'], limit: number, truncate: boolean): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: Buffer | undefined, error?: unknown) => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      // Once answered, the body may still error — a destroy below emits an AbortError — and an
      // 'error' without a listener would be an uncaught exception that ends the process.
      body.on('error', ignoreLateError);
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      if (truncate) chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
      done(truncate ? Buffer.concat(chunks) : undefined);
      body.destroy();
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onError = (error: unknown) => done(undefined, error);
    const onClose = () => done(undefined, Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
  });
}

export interface ReplyContext {
  /** Instance name, for messages. */
  instance: string;
  /** Largest accepted body; `raw` is undefined when a 2xx body exceeded it. */
  maxBytes: number;
  /** Secrets to redact from anything CES sent back; a function is called only when there is text to redact. */
  secrets: readonly string[] | (() => readonly string[]);
}

/** Parses a 2xx reply with the operation's schema, or throws the `CesError` for the status. */
export function interpretReply<R>(operation: Operation<R>, response: Dispatcher.ResponseData, raw: Buffer | undefined, context: ReplyContext): R {
  const { instance: name, maxBytes } = context;
  const opName = operation.id;
  const status = response.statusCode;

  if (status < 200 || status >= 300) {
    let cesMessage: string | undefined;
    let detail: string;
    const text = raw?.toString('utf8').trim() ?? '';
    try {
      const parsed = CesErrorBody.safeParse(JSON.parse(text));
      cesMessage = parsed.success ? parsed.data.message : undefined;
      if (cesMessage !== undefined) cesMessage = cesText(cesMessage, secretsOf(context));
      detail = cesMessage === undefined ? 'no message' : `CES says: ${cesMessage}`;
    } catch {
      // A proxy or servlet container page, not CES's JSON: say what arrived, not all of it.
      const type = String(response.headers['content-type'] ?? 'no content type').split(';')[0];
      detail = text === '' ? 'empty body' : `non-JSON ${type} body`;
    }
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const code = status >= 300 && status < 400 ? 'ces_bad_reply' : statusCode(status);
    const message =
      code === 'ces_auth'
        ? `CES rejected the token for instance "${name}" (HTTP ${status}, ${opName}; ${detail}). Check that the token in ISPW_MCP_CES_TOKEN_FILE is current and was created for this CES host connection, and that the runtime configuration is right.`
        : code === 'ces_bad_reply'
          ? `CES answered with a redirect (HTTP ${status}) to ${opName}; redirects are not followed — check the CES URL of instance "${name}".`
          : `CES answered HTTP ${status} to ${opName} (${detail}).`;
    throw classified(
      new CesError(code, message, {
        operation: opName,
        status,
        ...(cesMessage === undefined ? {} : { cesMessage }),
        retryable: code === 'ces_rate_limited' || code === 'ces_server' || code === 'ces_conflict',
        ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }),
      }),
      { kind: 'status', status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }

  if (raw === undefined) {
    throw classified(
      new CesError('ces_bad_reply', `The CES reply to ${opName} is larger than ${Math.round(maxBytes / MiB)} MiB and was discarded.`, {
        operation: opName,
        status,
      }),
      { kind: 'reply' },
    );
  }
  const contentType = String(response.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  // A download answers with the zip itself; only a JSON body (CES's "nothing to send") is parsed.
  if (operation.replyBody === 'zip' && contentType !== 'application/json') {
    return operation.reply.parse({
      zip: new Uint8Array(raw.buffer, raw.byteOffset, raw.length),
      fileName: fileNameOf(response.headers['content-disposition']),
    });
  }
  const text = raw.toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      const type = String(response.headers['content-type'] ?? 'no content type').split(';')[0];
      throw classified(
        new CesError('ces_bad_reply', `CES answered ${opName} with a body that is not JSON (${type}); is the URL of instance "${name}" a CES server?`, {
          operation: opName,
          status,
        }),
        { kind: 'reply' },
      );
    }
  }
  const parsed = operation.reply.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    const safeWhere = redact(where, secretsOf(context));
    throw classified(
      new CesError('ces_bad_reply', `The CES reply to ${opName} does not have the expected shape (${safeWhere}).`, { operation: opName, status }),
      { kind: 'reply' },
    );
  }
  return withCesMessage(parsed.data, context);
}

/** The file name of `Content-Disposition: attachment; filename="x.zip"` (printable, at most 255 characters). */
function fileNameOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(value ?? '')?.[1]?.trim();
  return name && /^[\x20-\x7e]{1,255}$/.test(name) ? name : undefined;
}

// Only error paths and replies that carry a message read the secrets.
const secretsOf = (context: ReplyContext): readonly string[] => (typeof context.secrets === 'function' ? context.secrets() : context.secrets);

/** A successful reply's `message` (e.g. of a set just started) is CES text too: redacted and capped. */
function withCesMessage<R>(reply: R, context: ReplyContext): R {
  const message = (reply as { message?: unknown } | null)?.message;
  if (typeof message !== 'string' || message === '') return reply;
  return { ...reply, message: cesText(message, secretsOf(context)) };
}
