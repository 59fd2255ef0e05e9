// The HTTP listener's TLS material follows its mounted files, as the CES client's does
// (src/ces/transport.ts): certificate, key and client CA are read through sources (file-backed ones
// re-read a rotated file, src/config/file-source.ts), checked every second, and a changed set
// becomes the listener's secure context for new connections (connections already open keep theirs).
// The files rotate one by one, so a check can see a new certificate with the old key: material that
// does not load keeps the last good context (one warning) until the files change again.
import type { Server as HttpsServer } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

import type { Logger } from '../telemetry/logger.js';

/** A PEM value, or a source read again at every check (a file that may rotate). */
export type PemSource = string | (() => string | undefined);

export interface ListenerTlsSources {
  cert: PemSource;
  key: PemSource;
  /** With a client CA, clients must present a certificate signed by it (mutual TLS). */
  clientCa?: PemSource | undefined;
}

export interface ListenerTls {
  /** The options to create the HTTPS server with (the material as read now). */
  readonly serverOptions: SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean };
  readonly mutual: boolean;
  /** Starts following the sources for this server. */
  follow(server: HttpsServer): void;
  /** Re-reads the sources now; true when the listener took new material. */
  check(): boolean;
  close(): void;
}

/** How often the sources are read (file sources re-stat their file at most this often too). */
export const TLS_CHECK_MS = 1_000;

const read = (source: PemSource | undefined) => (typeof source === 'function' ? source() : source);

interface Material {
  cert: string | undefined;
  key: string | undefined;
  ca: string | undefined;
}

const same = (a: Material, b: Material) => a.cert === b.cert && a.key === b.key && a.ca === b.ca;

function contextOptions(material: Material): SecureContextOptions {
  return { cert: material.cert, key: material.key, minVersion: 'TLSv1.2', ...(material.ca ? { ca: material.ca } : {}) };
}

/** Reads the material once (bad material fails when the server is created) and follows it from then on. */
export function listenerTls(sources: ListenerTlsSources, logger: Logger): ListenerTls {
  const now = (): Material => ({ cert: read(sources.cert), key: read(sources.key), ca: read(sources.clientCa) });
  let current = now();
  if (current.cert === undefined || current.key === undefined || (sources.clientCa !== undefined && current.ca === undefined)) {
    throw new Error('the HTTP listener certificate, key or client CA file holds no PEM (ISPW_MCP_HTTP_TLS_CERT_FILE, _KEY_FILE, ISPW_MCP_HTTP_CLIENT_CA_FILE)');
  }
  let refused: Material | undefined;
  let server: HttpsServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const mutual = sources.clientCa !== undefined;

  const check = (): boolean => {
    const next = now();
    // A source with no usable value keeps the last good one (its own warning says why).
    if (next.cert === undefined || next.key === undefined || (mutual && next.ca === undefined)) return false;
    if (same(next, current) || (refused && same(next, refused))) return false;
    try {
      createSecureContext(contextOptions(next)); // throws on a key that does not match, or bad PEM
      server?.setSecureContext(contextOptions(next));
    } catch (error) {
      refused = next;
      // OpenSSL's reason only (e.g. "key values mismatch"), never the material.
      logger.warn(
        { reason: (error as { reason?: string }).reason ?? (error as Error).message },
        'new listener TLS material cannot be used; keeping the last good certificate until the files change again',
      );
      return false;
    }
    current = next;
    refused = undefined;
    logger.info({ mutual }, 'listener TLS material rotated; new connections use it');
    return true;
  };

  return {
    serverOptions: { ...contextOptions(current), ...(mutual ? { requestCert: true, rejectUnauthorized: true } : {}) },
    mutual,
    follow(target) {
      server = target;
      timer = setInterval(check, TLS_CHECK_MS);
      timer.unref();
    },
    check,
    close() {
      clearInterval(timer);
    },
  };
}
