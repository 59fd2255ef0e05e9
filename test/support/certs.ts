// Test PKI made on the fly with @peculiar/x509 and WebCrypto (ECDSA P-256, fast): a CA, a server
// certificate for localhost/127.0.0.1, a client certificate, plus broken variants for negative TLS
// tests (expired, wrong host name, self-signed without CA). For tests only: keys are throwaway.
import 'reflect-metadata'; // @peculiar/x509 loads tsyringe, which needs the Reflect metadata API

import { createPrivateKey, webcrypto } from 'node:crypto';

import type * as X509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

let loaded: Promise<typeof X509> | undefined;
function loadX509(): Promise<typeof X509> {
  loaded ??= import('@peculiar/x509').then((lib) => {
    lib.cryptoProvider.set(webcrypto as never);
    return lib;
  });
  return loaded;
}

export interface PemPair {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: PemPair;
  /** Signed by `ca`; SAN localhost, 127.0.0.1 (or `serverNames`). */
  server: PemPair;
  /** Signed by `ca`; for mTLS (extended key usage clientAuth). */
  client: PemPair;
  /** A second client certificate signed by `ca`, with its own key (for rotation tests). */
  client2: PemPair;
  /** Signed by `ca` but expired yesterday. */
  expiredServer: PemPair;
  /** Signed by `ca` but only valid for `wrong.example.test`. */
  wrongHostServer: PemPair;
  /** Self-signed leaf for localhost/127.0.0.1, not issued by any CA. */
  selfSignedServer: PemPair;
  /** A second, unrelated CA and a server certificate it issued (for "unknown CA"). */
  otherCa: PemPair;
  otherCaServer: PemPair;
  /** A client certificate issued by the unrelated CA (refused where `ca` is required). */
  untrustedClient: PemPair;
}

export interface TestPkiOptions {
  /** DNS names / IP addresses of the server certificate (default localhost, 127.0.0.1). */
  serverNames?: string[];
  /** notAfter of some certificates (default: 30 days from now), e.g. for expiry metrics. */
  notAfter?: Partial<Record<'ca' | 'otherCa' | 'server' | 'client' | 'client2', Date>>;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

async function keys(): Promise<CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function keyPem(x509: typeof X509, pair: CryptoKeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', pair.privateKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

const sans = (x509: typeof X509, names: string[]) =>
  new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: /^[\d.]+$|:/.test(value) ? ('ip' as const) : ('dns' as const), value })));

async function makeCa(x509: typeof X509, name: string, notAfter = new Date(Date.now() + 30 * DAY)): Promise<{ pair: CryptoKeyPair; pem: PemPair }> {
  const pair = await keys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys: pair,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(pair.publicKey),
    ],
  });
  return { pair, pem: { cert: cert.toString('pem'), key: await keyPem(x509, pair) } };
}

async function leaf(
  x509: typeof X509,
  issuer: { pair: CryptoKeyPair; pem: PemPair },
  options: { cn: string; names?: string[]; usage: 'server' | 'client'; notBefore?: Date; notAfter?: Date },
): Promise<PemPair> {
  const pair = await keys();
  const issuerCert = new x509.X509Certificate(issuer.pem.cert);
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${options.cn}`,
    issuer: issuerCert.subject,
    publicKey: pair.publicKey,
    signingKey: issuer.pair.privateKey,
    signingAlgorithm: ALG,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 30 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([options.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(issuerCert),
      ...(options.names === undefined ? [] : [sans(x509, options.names)]),
    ],
  });
  return { cert: cert.toString('pem'), key: await keyPem(x509, pair) };
}

async function selfSigned(x509: typeof X509, names: string[]): Promise<PemPair> {
  const pair = await keys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${names[0] ?? 'localhost'}`,
    keys: pair,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    extensions: [sans(x509, names), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth])],
  });
  return { cert: cert.toString('pem'), key: await keyPem(x509, pair) };
}

/** Creates a fresh test PKI (about 50 ms). */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const x509 = await loadX509();
  const names = options.serverNames ?? ['localhost', '127.0.0.1'];
  const until = options.notAfter ?? {};
  const ca = await makeCa(x509, 'ispw-mcp test CA', until.ca);
  const other = await makeCa(x509, 'unrelated test CA', until.otherCa);
  return {
    ca: ca.pem,
    server: await leaf(x509, ca, { cn: names[0] ?? 'localhost', names, usage: 'server', notAfter: until.server }),
    client: await leaf(x509, ca, { cn: 'ispw-mcp test client', usage: 'client', notAfter: until.client }),
    client2: await leaf(x509, ca, { cn: 'ispw-mcp test client (rotated)', usage: 'client', notAfter: until.client2 }),
    expiredServer: await leaf(x509, ca, {
      cn: names[0] ?? 'localhost',
      names,
      usage: 'server',
      notBefore: new Date(Date.now() - 10 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
    wrongHostServer: await leaf(x509, ca, { cn: 'wrong.example.test', names: ['wrong.example.test'], usage: 'server' }),
    selfSignedServer: await selfSigned(x509, names),
    otherCa: other.pem,
    otherCaServer: await leaf(x509, other, { cn: names[0] ?? 'localhost', names, usage: 'server' }),
    untrustedClient: await leaf(x509, other, { cn: 'untrusted test client', usage: 'client' }),
  };
}

/** Re-encodes a PEM private key encrypted with `passphrase` (AES-256-CBC, PKCS#8). */
export function encryptKey(keyPem: string, passphrase: string): string {
  return createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}
