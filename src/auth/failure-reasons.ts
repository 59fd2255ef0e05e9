// Why a caller was refused, as a closed set of codes: the `reason` label of
// `ispw_mcp_auth_failures_total` and the classification of bearer-token and TLS handshake failures.
// Codes only — never a token, a subject or a certificate name — so the metric stays bounded.
import { OAuthError, OAuthErrorCode } from '@modelcontextprotocol/server';

// The codes are metric label values, so telemetry/names.ts keeps the list.
export { AUTH_FAILURE_REASONS, type AuthFailureReason } from '../telemetry/names.js';
import type { AuthFailureReason } from '../telemetry/names.js';

/** An OAuthError that says why, for the metric (the message is for the caller). */
export function withReason(error: OAuthError, reason: AuthFailureReason): OAuthError {
  return Object.assign(error, { authFailureReason: reason });
}

/** The reason of a bearer-token refusal (our verifier tags its errors; the SDK's are recognised by text). */
export function reasonOfOAuthError(error: unknown): AuthFailureReason {
  const tagged = (error as { authFailureReason?: AuthFailureReason } | undefined)?.authFailureReason;
  if (tagged) return tagged;
  if (!(error instanceof OAuthError)) return 'invalid_token';
  if (error.code === OAuthErrorCode.ServerError) return 'issuer_unavailable';
  if (error.code === OAuthErrorCode.InsufficientScope) return 'insufficient_scope';
  const m = error.message;
  if (/^Missing Authorization header/.test(m)) return 'missing_token';
  if (/^Invalid Authorization header format/.test(m)) return 'malformed_header';
  if (/not issued for this resource/.test(m)) return 'wrong_audience';
  if (/expired/.test(m)) return 'expired';
  return 'invalid_token';
}

/**
 * The reason of a failed TLS handshake on the mTLS listener (OpenSSL error codes). A certificate
 * from another CA often arrives as a reset handshake without a verify code: `tls_handshake`.
 */
export function reasonOfTlsError(error: unknown): AuthFailureReason {
  const code = String((error as { code?: unknown } | undefined)?.code ?? '');
  if (code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return 'no_client_certificate';
  if (/CERTIFICATE_VERIFY_FAILED|UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNABLE_TO_GET_ISSUER|SELF_SIGNED|CERT_/.test(code)) {
    return 'untrusted_client_certificate';
  }
  return 'tls_handshake';
}
