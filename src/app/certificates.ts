// Which certificate files the configuration names, for the expiry gauge (telemetry/certificate-expiry.ts
// reads and watches them; this is the wiring that knows the configuration's shape).
import type { Config } from '../config/schema.js';
import type { CertificateFile } from '../telemetry/certificate-expiry.js';

/** Every certificate file of the configuration. */
export function configuredCertificates(config: Pick<Config, 'ces' | 'auth'>): CertificateFile[] {
  const files: CertificateFile[] = [];
  for (const instance of config.ces.instances) {
    if (instance.clientCertFile) files.push({ kind: 'ces_client', instance: instance.name, path: instance.clientCertFile });
    if (instance.caFile) files.push({ kind: 'ces_ca', instance: instance.name, path: instance.caFile });
  }
  const tls = config.auth.tls;
  if (tls.certFile) files.push({ kind: 'listener', instance: 'listener', path: tls.certFile });
  if (tls.clientCaFile) files.push({ kind: 'listener_client_ca', instance: 'listener', path: tls.clientCaFile });
  return files;
}
