// Identity from a verified TLS client certificate, for deployments that terminate mutual TLS in the
// pod. The listener itself refuses certificates not signed by the configured client CA, so by the
// time a request arrives the certificate is trusted; this only names the caller.
import type { PeerCertificate, TLSSocket } from 'node:tls';

import type { Principal } from './principal.js';

/** Subject field that names the caller: the common name, or the first e-mail address. */
export type CertificateIdentityField = 'CN' | 'emailAddress';

export function principalFromCertificate(
  cert: PeerCertificate | undefined,
  options: { scopes: readonly string[]; field?: CertificateIdentityField },
): Principal | undefined {
  if (!cert || !cert.subject) return undefined;
  const raw = cert.subject[options.field ?? 'CN'];
  const name = Array.isArray(raw) ? raw[0] : raw;
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  return {
    subject: `cert:${name}`,
    identity: name,
    clientId: undefined,
    scopes: new Set(options.scopes),
    via: 'mtls',
  };
}

/** The verified peer certificate of a TLS socket, or undefined (plain HTTP, no cert, not authorised). */
export function verifiedPeerCertificate(socket: unknown): PeerCertificate | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (typeof tls.getPeerCertificate !== 'function' || tls.authorized !== true) return undefined;
  const cert = tls.getPeerCertificate();
  return cert && Object.keys(cert).length > 0 ? cert : undefined;
}
