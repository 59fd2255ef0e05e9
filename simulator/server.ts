// The HTTP(S) front of the simulator: reads each request, records it, applies faults, checks the
// raw-token `Authorization` header (docs/ces-api.md §1.3) and the SRID (§1.2), routes it and writes a
// JSON reply. Errors are always `{message}` JSON (§5); nothing a client sends can crash it.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { CallbackDispatcher } from './callbacks.js';
import { Estate } from './estate.js';
import { collapseSingletonLists, FaultEngine } from './faults.js';
import type { FaultPlan } from './faults.js';
import { decodeSegment, HttpError, parseJsonBody, parseQuery, Query } from './http.js';
import type { Reply } from './http.js';
import type { RecordedRequest, RunningSimulator, SimulatorOptions } from './options.js';
import { buildRouter } from './routes/index.js';
import { seedDemo, seedLifecycle } from './seed.js';

const MAX_BODY_BYTES = 1024 * 1024;
const VERSION_PATH = '/compuware/ws/Config/version';

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const tokens = new Set(validateTokens(options.tokens));
  // §1.3 certificate authentication: the base64 DER bodies of the accepted client certificates.
  const certificates = new Set((options.certificates ?? []).map(derBase64));
  const srids = options.srids && options.srids.length > 0 ? [...options.srids] : ['CW09-47623'];
  const clock = options.now ?? Date.now;
  const estate = new Estate({ clock, stepMs: options.stepMs ?? 1000, ...(options.realism ? { realism: options.realism } : {}) });
  if (options.seed === 'empty') seedLifecycle(estate);
  else seedDemo(estate);
  const callbacks = new CallbackDispatcher(estate, options.callbacks);
  const faults = new FaultEngine(options.faults ?? [], options.random);
  const router = buildRouter();
  const postStatus = options.postStatus ?? 200;
  const awaitTimeoutMs = options.awaitTimeoutMs ?? 30_000;
  const maxRecorded = options.maxRecordedRequests ?? 10_000;
  const requests: RecordedRequest[] = [];
  const lifetime = new AbortController();
  const sockets = new Set<Socket>();
  let baseUrl = '';

  const record = (entry: RecordedRequest): void => {
    options.onRequest?.(entry.method, entry.path);
    requests.push(entry);
    if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
  };

  /** Everything after the body is read: auth, SRID, routing, handler. */
  const dispatch = async (
    method: string,
    rawPathname: string,
    query: Query,
    bodyText: string,
    headers: http.IncomingHttpHeaders,
    signal: AbortSignal,
  ): Promise<Reply> => {
    const segments = rawPathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeSegment);
    if (segments.join('/').toLowerCase() === VERSION_PATH.slice(1).toLowerCase()) {
      // §2.6: BMC's PowerShell example reads the CES version without sending a token.
      if (method !== 'GET') throw new HttpError(405, `Method ${method} is not allowed here; use GET`, { allow: 'GET' });
      return { status: 200, body: { productVersion: { version: '20.04.01', name: 'BMC AMI Common Enterprise Services' } } };
    }
    if (headers[CERT_HEADER] !== undefined && certificates.size > 0) checkCertificate(headers, certificates);
    else checkToken(headers.authorization, tokens);
    if (segments[0] !== 'ispw' || segments.length < 2) throw new HttpError(404, 'No such CES resource');
    const srid = srids.find((s) => s.toUpperCase() === segments[1]!.toUpperCase());
    if (!srid) throw new HttpError(404, `Unknown SRID '${segments[1]}': no Code Pipeline instance of that name`);
    const match = router.match(method, segments.slice(2));
    const body = method === 'POST' ? parseJsonBody(bodyText) : {};
    estate.settle();
    return match.handler({
      method,
      params: match.params,
      query,
      body,
      estate,
      srid,
      ispwUrl: `${baseUrl}/ispw/${srid}`,
      postStatus,
      awaitTimeoutMs,
      awaitPollMs: options.awaitPollMs ?? 10,
      signal,
    });
  };

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawPath = req.url ?? '/';
    const q = rawPath.indexOf('?');
    const rawPathname = q < 0 ? rawPath : rawPath.slice(0, q);
    const rawQuery = q < 0 ? '' : rawPath.slice(q + 1);
    const requestAbort = new AbortController();
    const abort = (): void => requestAbort.abort();
    lifetime.signal.addEventListener('abort', abort, { once: true });
    res.on('close', () => {
      abort();
      lifetime.signal.removeEventListener('abort', abort);
    });

    let bodyText = '';
    let tooLarge = false;
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      }
      bodyText = Buffer.concat(chunks).toString('utf8');
    } catch {
      return; // client went away mid-body
    }

    let query = new Query(new Map());
    let queryError: HttpError | undefined;
    try {
      query = new Query(parseQuery(rawQuery));
    } catch (error) {
      queryError = error instanceof HttpError ? error : new HttpError(400, 'Malformed query string');
    }
    let loggedBody: unknown;
    if (bodyText.trim() !== '') {
      try {
        loggedBody = JSON.parse(bodyText);
      } catch {
        loggedBody = bodyText;
      }
    }
    let path = rawPathname;
    try {
      path = decodeURIComponent(rawPathname);
    } catch {
      /* keep raw */
    }
    record({ method, rawPath, path, query: query.toRecord(), headers: req.headers, body: loggedBody, time: clock() });

    const plan = faults.plan(method, rawPathname);
    if (plan.latencyMs > 0) {
      try {
        await sleep(plan.latencyMs, undefined, { signal: requestAbort.signal });
      } catch {
        return;
      }
    }
    const terminal = plan.terminal;
    if (terminal?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (terminal?.kind === 'error') {
      reply = { status: terminal.status ?? 500, body: { message: terminal.message ?? 'Simulated CES server error' } };
    } else if (terminal?.kind === 'rateLimit') {
      const seconds = terminal.retryAfterSeconds ?? 1;
      reply = { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': String(seconds) } };
    } else {
      try {
        if (queryError) throw queryError;
        if (tooLarge) throw new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`);
        reply = await dispatch(method, rawPathname, query, bodyText, req.headers, requestAbort.signal);
      } catch (error) {
        reply = errorReply(error);
      }
      callbacks.poke();
    }
    if (res.destroyed) return;
    await send(res, reply, plan, requestAbort.signal);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    onRequest(req, res).catch((error: unknown) => {
      // Last resort: never let a request take the process down.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `Simulator error: ${String(error)}` }));
      } else {
        res.destroy();
      }
    });
  };

  const server: http.Server = options.tls
    ? https.createServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ca: options.tls.ca,
          requestCert: options.tls.requireClientCert === true,
          rejectUnauthorized: options.tls.requireClientCert === true,
        },
        handler,
      )
    : http.createServer(handler);
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    srids,
    setFaults: (rules) => faults.set(rules),
    get requests() {
      return requests;
    },
    clearRequests: () => {
      requests.length = 0;
    },
    estate,
    callbacks: callbacks.records,
    openConnections: () => sockets.size,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        callbacks.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections?.();
      });
      return closing;
    },
  };
}

function validateTokens(tokens: unknown): string[] {
  if (!Array.isArray(tokens) || tokens.length === 0 || tokens.some((t) => typeof t !== 'string' || t === '')) {
    throw new Error('startSimulator: `tokens` must be a non-empty array of non-empty strings');
  }
  return tokens as string[];
}

const CERT_HEADER = 'javax.servlet.request.x509certificate';

/** A PEM certificate's body, as the certificate header carries it (base64 DER, no line breaks). */
function derBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** §1.3 certificate authentication: the host connection headers and a known certificate. */
function checkCertificate(headers: http.IncomingHttpHeaders, certificates: Set<string>): void {
  if (!headers.cpwr_hci_host || !/^\d{1,5}$/.test(String(headers.cpwr_hci_port ?? ''))) {
    throw new HttpError(401, 'Unauthorized: certificate authentication needs the cpwr_hci_host and cpwr_hci_port headers');
  }
  if (!certificates.has(String(headers[CERT_HEADER]).trim())) throw new HttpError(401, 'Unauthorized: the certificate is not valid');
}

/** §1.3: the header carries the raw token; a `Bearer` scheme word is refused on purpose. */
function checkToken(header: string | undefined, tokens: Set<string>): void {
  if (header === undefined || header.trim() === '') {
    throw new HttpError(401, 'Unauthorized: missing Authorization header (CES expects the raw personal access token)');
  }
  if (/^bearer\s/i.test(header.trim())) {
    throw new HttpError(401, 'Unauthorized: CES expects the raw token in the Authorization header, with no Bearer prefix');
  }
  if (!tokens.has(header.trim())) throw new HttpError(401, 'Unauthorized: the token is not valid');
}

function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) {
    return { status: error.status, body: { message: error.message }, headers: error.headers };
  }
  return { status: 500, body: { message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` } };
}

async function send(res: http.ServerResponse, reply: Reply, plan: FaultPlan, signal: AbortSignal): Promise<void> {
  let status = reply.status;
  let body = reply.body;
  if (plan.replyMessage !== undefined && status < 300 && body !== null && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array)) {
    body = { ...body, message: plan.replyMessage };
  }
  // A download answers with zip bytes; everything else is JSON.
  const binary = body instanceof Uint8Array;
  let bytes =
    body instanceof Uint8Array
      ? Buffer.from(body.buffer, body.byteOffset, body.length)
      : Buffer.from(JSON.stringify(plan.singletonList ? collapseSingletonLists(body) : body), 'utf8');
  if (plan.malformed) {
    bytes = bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2)));
    status = 200;
  }
  const headers = {
    'content-type': binary ? 'application/octet-stream' : 'application/json; charset=utf-8',
    'content-length': String(bytes.length),
    ...reply.headers,
  };
  if (!plan.slowBody) {
    res.writeHead(status, headers);
    res.end(bytes);
    return;
  }
  const { ms, chunks } = plan.slowBody;
  const size = Math.ceil(bytes.length / chunks) || 1;
  res.writeHead(status, headers);
  res.flushHeaders();
  try {
    for (let offset = 0; offset < bytes.length; offset += size) {
      if (offset > 0) await sleep(ms / chunks, undefined, { signal });
      res.write(bytes.subarray(offset, offset + size));
    }
    res.end();
  } catch {
    res.destroy();
  }
}
