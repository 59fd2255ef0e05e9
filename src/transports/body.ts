// Request bodies of the HTTP transport: read once, bounded (the SDK's 4 MiB limit), put back in
// front of the stream for the SDK's Node adapter, and refused with 413 in a way the client always
// receives. Answering 413 and closing the connection while the client is still sending makes the
// kernel reset it (unread data on close), and the client may then never see the answer (issue 17,
// defect 9); so the rest of the body is read and discarded first, within bounds, and only then
// is the connection closed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

import { DEFAULT_MAX_REQUEST_BODY_SIZE } from '@modelcontextprotocol/server';

/** The body limit: the SDK's own, so both paths refuse at the same size. */
export const MAX_BODY_BYTES = DEFAULT_MAX_REQUEST_BODY_SIZE;
/** After a 413, at most this much more of the body is read and discarded before the connection is cut. */
export const DISCARD_LIMIT_BYTES = 16 * MAX_BODY_BYTES;
/** After a 413, a sender that goes quiet this long has its connection closed. */
export const DISCARD_IDLE_MS = 5_000;

export type BodyRead =
  | { readonly complete: true; readonly chunks: readonly Buffer[]; readonly text: string }
  | { readonly complete: false; readonly tooLarge: boolean; readonly chunks: readonly Buffer[]; readonly error?: unknown };

const decoder = new TextDecoder(); // as toWebRequest decodes: UTF-8, BOM dropped, U+FFFD for bad bytes

/**
 * Reads the body up to `max` bytes. Past the limit it stops (`tooLarge`); on a stream error (the
 * client went away) it reports the error. Either way it never throws.
 */
export function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > max) {
        req.pause();
        stop({ complete: false, tooLarge: true, chunks });
      }
    };
    const onEnd = () => stop({ complete: true, chunks, text: decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)) });
    const onError = (error: unknown) => stop({ complete: false, tooLarge: false, chunks, error });
    // Closed before its end: the client went away mid-body.
    const onClose = () => stop({ complete: false, tooLarge: false, chunks, error: new Error('the client closed the connection before the body ended') });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * The request as the SDK's Node adapter expects it, with the complete body already read put back
 * in front: the adapter reads it from here, never from the (consumed) socket stream.
 */
export function replayRequest(req: IncomingMessage, chunks: readonly Buffer[]): IncomingMessage {
  const replay = Readable.from(chunks, { objectMode: false });
  return Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    socket: req.socket,
  }) as unknown as IncomingMessage;
}

/** The SDK adapter's 413 body, so both paths answer the same words. */
export function tooLargeJson(): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    error: { code: -32000, message: `Payload Too Large: Request body must not exceed ${MAX_BODY_BYTES} bytes` },
    id: null,
  });
}

/**
 * Answers 413 and closes the connection only once the client has finished sending (or sent more
 * than DISCARD_LIMIT_BYTES, or gone quiet for DISCARD_IDLE_MS: then it is cut, as it must be). The
 * whole answer is written at once, so a client that reads while it sends has it either way.
 * `bodyExpected` false: the client waits for `100 Continue` and sends nothing, so the answer ends at once.
 * `body`: the JSON answer (default: the MCP endpoint's).
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, bodyExpected = true, body = tooLargeJson()): void {
  res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.write(body);
  if (!bodyExpected || req.complete || req.readableEnded) {
    res.end();
    return;
  }
  let discarded = 0;
  const finish = () => {
    clearTimeout(idle);
    req.off('data', onData);
    req.off('end', finish);
    req.off('error', finish);
    req.off('close', finish);
    if (!res.writableEnded) res.end();
  };
  const cut = () => {
    finish();
    req.socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    discarded += chunk.byteLength;
    if (discarded > DISCARD_LIMIT_BYTES) return cut();
    idle.refresh();
  };
  const idle = setTimeout(cut, DISCARD_IDLE_MS);
  idle.unref();
  req.on('data', onData);
  req.once('end', finish);
  req.once('error', finish);
  req.once('close', finish);
  req.resume();
}
