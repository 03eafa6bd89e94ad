/**
 * The OAuth 2.0 / OpenID Connect error the provider's protocol endpoints answer with, in the
 * form client libraries expect: `{ error, error_description }` (RFC 6749 §5.2, OIDC Core
 * §3.1.2.6, RFC 6750 §3.1). The HTTP layer decides the status and whether it is redirected.
 */
export type OAuthErrorCode =
  // RFC 6749
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  // OpenID Connect Core §3.1.2.6
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  // OpenID Connect Core (errata): the account cannot meet the requested acr
  | 'unmet_authentication_requirements'
  // RFC 6750
  | 'invalid_token';

export class OAuthError extends Error {
  /**
   * `redirect` is set once the client and its redirect URI are known to be good: only then
   * may the error go back to the client (RFC 6749 §4.1.2.1); otherwise it is shown to the person.
   */
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly redirect?: { uri: string; state: string | null },
    readonly retryAfter?: number,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}
