// Certificate authentication to CES, as BMC's clients do it (docs/ces-api.md §1.3, errata E5):
// instead of `Authorization`, the request names the host connection (`cpwr_hci_host`,
// `cpwr_hci_port`) and carries the client certificate, base64 DER, in
// `javax.servlet.request.X509Certificate`. The certificate comes from a mounted PEM file that may
// rotate, so it is read per request; the header value is treated like a token (redacted everywhere).
import { X509Certificate } from 'node:crypto';

import { CesError } from './errors.js';
import { readPem, type PemSource } from './transport.js';

export interface CertificateAuth {
  /** Host of the mainframe host connection CES logs on to (`cpwr_hci_host`). */
  hciHost: string;
  /** Its port (`cpwr_hci_port`). */
  hciPort: number;
  /** The client certificate, PEM (the first certificate of the file is sent). */
  certificate: PemSource;
  /** What to tell the user when the certificate is missing or unreadable. */
  hint?: string;
}

export const CERTIFICATE_HEADER = 'javax.servlet.request.x509certificate';

const PEM_CERT = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;

/** The base64 DER of the first certificate in `pem`, or undefined when there is none that parses. */
export function certificateHeaderValue(pem: string | undefined): string | undefined {
  const match = pem ? PEM_CERT.exec(pem) : null;
  if (!match) return undefined;
  const base64 = match[1]!.replace(/\s+/g, '');
  try {
    // Refuse what is not a certificate rather than send CES a header it will reject obscurely.
    new X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    return undefined;
  }
  return base64;
}

// A provider that throws (an unreadable file) counts as no certificate: the request is refused with the hint.
const read = (source: PemSource): string | undefined => {
  try {
    return readPem(source);
  } catch {
    return undefined;
  }
};

/** The three headers for one request; a missing or unusable certificate is a `ces_auth` error. */
export function certificateHeaders(auth: CertificateAuth, instance: string, operation: string): Record<string, string> {
  const value = certificateHeaderValue(read(auth.certificate));
  if (value === undefined) {
    throw new CesError(
      'ces_auth',
      `No usable client certificate for CES certificate authentication on instance "${instance}": ${auth.hint ?? 'set clientCertFile to a PEM certificate'}.`,
      { operation, retryable: false },
    );
  }
  return { cpwr_hci_host: auth.hciHost, cpwr_hci_port: String(auth.hciPort), [CERTIFICATE_HEADER]: value };
}

/** The header value, for redaction: it identifies the caller as a token does. */
export const certificateSecret = (auth: CertificateAuth | undefined): string | undefined => (auth ? certificateHeaderValue(read(auth.certificate)) : undefined);
