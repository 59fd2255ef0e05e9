// Explains why a request to CES got no HTTP answer (connection, TLS, timeout) in words an operator
// can act on: which certificate check failed and what to configure. Must not echo anything from the
// request (headers, token) — it looks only at error codes from Node, OpenSSL and undici.
import type { CesErrorCode } from './errors.js';

export interface TransportFailure {
  kind: 'transport' | 'tls' | 'timeout';
  code: CesErrorCode;
  message: string;
  /** Whether the request may have reached CES (so a POST may have been executed). */
  maybeSent: boolean;
  /** A minimal, secret-free stand-in for the original error (code and name only). */
  cause: { name: string; code?: string };
}

interface Context {
  timedOut: boolean;
  timeoutMs: number;
  host: string;
  instance: string;
  /** HTTPS without a client certificate: a silent close may be a refused mTLS handshake. */
  tlsWithoutClientCert?: boolean;
}

// Certificate problems reported by OpenSSL / Node, grouped by what the operator has to do.
const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
]);
const HANDSHAKE_REFUSED =
  /^ERR_SSL_(TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_HANDSHAKE_FAILURE|SSLV3_ALERT_BAD_CERTIFICATE|TLSV1_ALERT_UNKNOWN_CA|SSLV3_ALERT_CERTIFICATE_UNKNOWN|TLSV1_ALERT_ACCESS_DENIED|TLSV1_ALERT_DECRYPT_ERROR)$/;

/** Collects the `code` of the error and of its causes (undici wraps socket errors). */
function codes(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

function tlsMessage(code: string, ctx: Context): string | undefined {
  const prefix = `TLS verification of CES instance "${ctx.instance}" (${ctx.host}) failed`;
  if (UNKNOWN_CA.has(code)) {
    return `${prefix}: the server certificate was issued by an unknown certificate authority (${code}). Add the CA that issued it to the CA bundle option.`;
  }
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return `${prefix}: the server presented a self-signed certificate that is not trusted (${code}). Add that certificate (or its CA) to the CA bundle option.`;
  }
  if (code === 'CERT_HAS_EXPIRED') {
    return `${prefix}: the server certificate has expired (${code}). The CES administrator must renew it.`;
  }
  if (code === 'CERT_NOT_YET_VALID') {
    return `${prefix}: the server certificate is not valid yet (${code}); check the clocks of both machines.`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `${prefix}: hostname mismatch, the server certificate does not name "${ctx.host.replace(/:\d+$/, '')}" (${code}). Use the host name in the certificate, or set the TLS server name option.`;
  }
  if (code === 'CERT_REVOKED' || code === 'CERT_UNTRUSTED' || code === 'CERT_REJECTED' || code === 'INVALID_CA' || code === 'INVALID_PURPOSE') {
    return `${prefix}: the server certificate is not acceptable (${code}).`;
  }
  if (HANDSHAKE_REFUSED.test(code)) {
    return `${prefix}: the server refused the TLS handshake (${code}); it may require a client certificate, or not trust the one configured.`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return `${prefix}: the server did not answer with TLS (${code}); does the port speak plain http:// ?`;
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_OSSL_')) {
    return `${prefix} (${code}).`;
  }
  return undefined;
}

/** Maps an error thrown by undici (no HTTP status received) to a CES error code and message. */
export function describeTransportFailure(error: unknown, ctx: Context): TransportFailure {
  const all = codes(error);
  const name = error instanceof Error ? error.name : 'Error';
  const first = all[0];
  const cause = first === undefined ? { name } : { name, code: first };
  const where = `CES instance "${ctx.instance}" (${ctx.host})`;

  if (ctx.timedOut || all.includes('UND_ERR_HEADERS_TIMEOUT') || all.includes('UND_ERR_BODY_TIMEOUT')) {
    return { kind: 'timeout', code: 'ces_timeout', message: `${where} did not answer within ${ctx.timeoutMs} ms`, maybeSent: true, cause };
  }
  if (all.includes('UND_ERR_CONNECT_TIMEOUT')) {
    return { kind: 'timeout', code: 'ces_timeout', message: `Could not connect to ${where} in time`, maybeSent: false, cause };
  }
  for (const code of all) {
    const message = tlsMessage(code, ctx);
    if (message !== undefined) return { kind: 'tls', code: 'ces_unavailable', message, maybeSent: false, cause };
  }
  const has = (...list: string[]): boolean => list.some((code) => all.includes(code));
  let reason: string;
  let maybeSent = false;
  if (has('ECONNREFUSED')) reason = 'the connection was refused (is CES running on that port?)';
  else if (has('ENOTFOUND', 'EAI_AGAIN')) reason = 'the host name could not be resolved';
  else if (has('EHOSTUNREACH', 'ENETUNREACH')) reason = 'the host is unreachable';
  else if (has('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED')) {
    maybeSent = true;
    // With TLS 1.3 a server that refuses the client certificate just closes the connection after
    // the handshake; the alert seldom reaches the client, so say what it may mean.
    reason = ctx.tlsWithoutClientCert
      ? 'the connection was closed before CES answered (if CES requires a TLS client certificate, configure one)'
      : 'the connection was closed before CES answered';
  } else if (has('UND_ERR_ABORTED') && /proxy/i.test(error instanceof Error ? error.message : '')) reason = 'the proxy refused the tunnel';
  else {
    reason = `the request failed (${first ?? name})`;
    maybeSent = true;
  }
  return { kind: 'transport', code: 'ces_unavailable', message: `Cannot reach ${where}: ${reason}`, maybeSent, cause };
}

/** One level of a transport error's cause chain, as the debug log shows it. */
export interface CauseForLog {
  name: string;
  code?: string;
  message: string;
  /** The first stack frame, for errors without a code (a TypeError inside undici is a bug or an old Node). */
  at?: string;
}

const CAUSE_DEPTH = 5;
const CAUSE_MESSAGE_LIMIT = 300;
// Credentials in a URL (a proxy URL in an undici message): user and password never reach a log.
const URL_USERINFO = /(\/\/)[^/\s@]+@/g;

/**
 * The underlying error of a failed CES request and its causes, for a debug-level log line: the user
 * sees the operator-facing message above, the operator can see what Node or undici actually said.
 * `redact` removes the instance's secrets; URL credentials are removed here; messages are capped.
 */
export function causeChainForLog(error: unknown, redact: (text: string) => string): CauseForLog[] {
  const chain: CauseForLog[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < CAUSE_DEPTH && current !== null && current !== undefined; depth++) {
    const err = current instanceof Error ? current : new Error(String(current));
    const code = (err as { code?: unknown }).code;
    const clean = (text: string) => redact(text).replace(URL_USERINFO, '$1[redacted]@').slice(0, CAUSE_MESSAGE_LIMIT);
    const entry: CauseForLog = { name: err.name, message: clean(err.message) };
    if (typeof code === 'string') entry.code = code;
    else {
      const frame = err.stack?.split('\n').find((line) => line.trim().startsWith('at '));
      if (frame) entry.at = clean(frame.trim());
    }
    chain.push(entry);
    current = (err as { cause?: unknown }).cause;
  }
  return chain;
}
