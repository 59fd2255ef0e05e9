// The listener's side of CES callbacks (src/mcp/kit/set-callbacks.ts): CES POSTs (or PUTs, as one
// third-party client asks it to) to `/ces-events/{id}` when a set a waiting call created ends. CES
// cannot present our OAuth tokens, so this path is not behind the MCP admission; it grants nothing
// but one early poll of a set already being waited on, reads at most a small body and answers at
// once. 202: a wait on this replica was woken; 404: no wait here has that id (it ended, or it waits
// on another replica and finishes by polling).
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { SetCallbacks } from '../mcp/kit/set-callbacks.js';
import type { Logger } from '../telemetry/logger.js';
import { readBody, refuseTooLarge } from './body.js';
import type { Metrics } from '../telemetry/metrics.js';

/** Largest callback body read (CES sends the set id or a short JSON text); more is refused. */
export const MAX_CALLBACK_BODY_BYTES = 16 * 1024;
const METHODS = 'POST, PUT';
const TOO_LARGE = JSON.stringify({ error: `callback body over ${MAX_CALLBACK_BODY_BYTES} bytes` });

export function serveCesCallback(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  callbacks: SetCallbacks,
  hooks: { logger: Logger; metrics?: Metrics | undefined },
): void {
  const answer = (status: number, body: object, headers: Record<string, string> = {}) => {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' && req.method !== 'PUT') {
    req.resume();
    return answer(405, { error: 'method not allowed', allow: METHODS }, { allow: METHODS });
  }
  // Refused with the rest of the body read and dropped (bounded), so the client sees the 413, not a reset.
  if (Number(req.headers['content-length'] ?? 0) > MAX_CALLBACK_BODY_BYTES) return refuseTooLarge(req, res, true, TOO_LARGE);
  // The body is not needed (the wait reads the set from CES): read, bounded, and dropped.
  void readBody(req, MAX_CALLBACK_BODY_BYTES).then((read) => {
    if (!read.complete) {
      if (read.tooLarge) refuseTooLarge(req, res, true, TOO_LARGE);
      return; // the client went away
    }
    const result = callbacks.receive(id);
    hooks.metrics?.cesCallback(result);
    hooks.logger.debug({ result }, 'CES callback');
    if (result === 'unknown') answer(404, { error: 'no wait on this replica has that id; it finishes by polling' });
    else answer(202, { status: result });
  });
}
