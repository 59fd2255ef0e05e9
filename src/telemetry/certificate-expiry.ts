// The expiry of every certificate the server is configured with, as the gauge
// `ispw_mcp_certificate_expiry_timestamp_seconds{kind, ces_instance}` (seconds since the epoch of the
// certificate's notAfter), so an alert can fire weeks before a CES client certificate, a CA or the
// listener certificate runs out. The files are read from the configured paths at scrape time and
// parsed again only when they change (size, mtime, inode), so a rotated file — a Kubernetes secret
// swap, or the listener's own rotation — shows its new expiry at the next scrape. A file holding
// several certificates (a CA bundle, a chain) reports the earliest notAfter: the first one to break.
// A file that cannot be read or holds no certificate has no series (the secret-reload metric and
// /readyz report unreadable files).
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

export type CertificateKind = 'ces_client' | 'ces_ca' | 'listener' | 'listener_client_ca';

export interface CertificateFile {
  kind: CertificateKind;
  /** The CES instance name, or `listener`. */
  instance: string;
  path: string;
}

export interface CertificateExpiry {
  kind: CertificateKind;
  instance: string;
  /** notAfter, seconds since the epoch. */
  notAfterSeconds: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The earliest notAfter (ms) of the certificates in PEM text; undefined when there is none. */
export function earliestNotAfter(pem: string): number | undefined {
  let earliest: number | undefined;
  for (const block of pem.match(PEM_CERTIFICATE) ?? []) {
    let ms: number;
    try {
      ms = new X509Certificate(block).validToDate.getTime();
    } catch {
      continue; // a damaged block: the others still count
    }
    if (earliest === undefined || ms < earliest) earliest = ms;
  }
  return earliest;
}

interface Cached {
  key: string;
  notAfterMs: number | undefined;
}

/** Reads the expiries of `files`, parsing a file again only when it changed. */
export function certificateExpiryReader(files: readonly CertificateFile[]): () => Promise<CertificateExpiry[]> {
  const cache = new Map<string, Cached>();
  const notAfter = async (path: string): Promise<number | undefined> => {
    let key: string;
    try {
      const s = await stat(path);
      key = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      cache.delete(path);
      return undefined;
    }
    const cached = cache.get(path);
    if (cached?.key === key) return cached.notAfterMs;
    let notAfterMs: number | undefined;
    try {
      notAfterMs = earliestNotAfter(await readFile(path, 'utf8'));
    } catch {
      notAfterMs = undefined;
    }
    cache.set(path, { key, notAfterMs });
    return notAfterMs;
  };
  return async () => {
    const out: CertificateExpiry[] = [];
    for (const file of files) {
      const ms = await notAfter(file.path);
      if (ms !== undefined) out.push({ kind: file.kind, instance: file.instance, notAfterSeconds: Math.floor(ms / 1000) });
    }
    return out;
  };
}
