// A minimal OIDC-style issuer for tests: keys generated with jose, discovery document and JWKS served
// over HTTP on loopback, and a `mint` helper to sign access tokens with any claims, key or algorithm.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestIssuer {
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Signs a token with the published key (or `key`/`kid`/`alg` overrides) and the given claims. */
  mint(claims: JWTPayload, options?: { key?: CryptoKey; kid?: string; alg?: string; expiresIn?: string | number }): Promise<string>;
  /** A key pair the issuer does not publish (forged tokens). */
  readonly strangerKey: CryptoKey;
  /** Requests to the discovery and JWKS endpoints. */
  readonly hits: string[];
  close(): Promise<void>;
}

export async function startIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const hits: string[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks`, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token` }));
    } else if (req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer: base,
    jwksUrl: `${base}/jwks`,
    strangerKey: stranger.privateKey,
    hits,
    async mint(claims, options = {}) {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'test-key-1', typ: 'at+jwt' }).setIssuedAt();
      if (claims.iss === undefined) jwt.setIssuer(base);
      if (claims.exp === undefined) jwt.setExpirationTime(options.expiresIn ?? '5m');
      return jwt.sign(options.key ?? privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
