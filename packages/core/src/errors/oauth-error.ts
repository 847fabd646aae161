
/**
 * OAuth errors as frozen plain data. `code` is the stable RFC registry value sent as `error`; `description` is public
 * (sent as `error_description`); `detail` and `cause` are private and only ever logged.
 */
const oauthErrorCodes = [
  // RFC 6749 §5.2 (token endpoint)
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  // RFC 6749 §4.1.2.1 (authorization endpoint)
  'access_denied',
  'unsupported_response_type',
  'server_error',
  'temporarily_unavailable',
  // RFC 6750 §3.1 (bearer tokens)
  'invalid_token',
  'insufficient_scope',
  // RFC 7009 §2.2.1
  'unsupported_token_type',
  // RFC 8628 §3.5
  'authorization_pending',
  'slow_down',
  'expired_token',
  // OpenID Connect Core §3.1.2.6
  'login_required',
  'consent_required',
  'interaction_required',
  'invalid_request_object',
  'request_uri_not_supported',
  // RFC 8693 §2.2.2 / RFC 8707
  'invalid_target',
  // RFC 9449 §5, §8
  'invalid_dpop_proof',
  'use_dpop_nonce',
  // RFC 7591 §3.2.2 (dynamic client registration)
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  // HTTP-level failures mapped to an RFC-shaped body
  'method_not_allowed',
  'not_found',
  'request_too_large',
  'unsupported_media_type',
  'too_many_requests',
] as const;

export type OAuthErrorCode = (typeof oauthErrorCodes)[number];

export interface OAuthError {
  readonly _tag: 'OAuthError';
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly detail?: string;
  readonly cause?: unknown;
  /** Extra response headers, e.g. `WWW-Authenticate` or `Allow`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** HTTP status for every error code: one complete record, so a new code cannot be forgotten. */
export const oauthErrorStatus: Readonly<Record<OAuthErrorCode, number>> = Object.freeze({
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  unsupported_response_type: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_token_type: 400,
  authorization_pending: 400,
  slow_down: 400,
  expired_token: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  invalid_request_object: 400,
  request_uri_not_supported: 400,
  invalid_target: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_software_statement: 400,
  unapproved_software_statement: 400,
  method_not_allowed: 405,
  not_found: 404,
  request_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
});

/**
 * The `error` value sent on the wire for each code: the RFC registries' own codes as they are; the HTTP-level
 * failures (wrong method, unknown path, oversized or non-form body), which have no registered OAuth code, go out as
 * `invalid_request` (RFC 6749 §5.2) with their own status; too many attempts (429, RFC 6585 §4) go out as
 * `temporarily_unavailable` ("unable to handle the request due to a temporary overloading"). One complete record.
 */
export const oauthWireCode: Readonly<Record<OAuthErrorCode, string>> = Object.freeze({
  ...(Object.fromEntries(oauthErrorCodes.map((code) => [code, code])) as Record<OAuthErrorCode, string>),
  method_not_allowed: 'invalid_request',
  not_found: 'invalid_request',
  request_too_large: 'invalid_request',
  unsupported_media_type: 'invalid_request',
  too_many_requests: 'temporarily_unavailable',
});

export const oauthError = (
  code: OAuthErrorCode,
  description: string,
  extra: { readonly detail?: string; readonly cause?: unknown; readonly headers?: Readonly<Record<string, string>> } = {},
): OAuthError => Object.freeze({ _tag: 'OAuthError' as const, code, description, ...extra });

/** Shorthands for the common codes. */
export const invalidRequest = (description: string, detail?: string) =>
  oauthError('invalid_request', description, detail === undefined ? {} : { detail });
export const invalidGrant = (description: string, detail?: string) =>
  oauthError('invalid_grant', description, detail === undefined ? {} : { detail });
export const invalidScope = (description: string) => oauthError('invalid_scope', description);
export const unauthorizedClient = (description: string) => oauthError('unauthorized_client', description);
export const serverError = (detail: string, cause?: unknown) =>
  oauthError('server_error', 'The authorization server encountered an unexpected condition.', cause === undefined ? { detail } : { detail, cause });

/**
 * A failure of the authorization request before the client and its redirect URI are verified (RFC 6749 §4.1.2.1,
 * RFC 9700 §4.11): it is shown to the user as an error page and never redirects anywhere.
 */
export interface FatalAuthorizeError {
  readonly _tag: 'FatalAuthorizeError';
  readonly code: 'invalid_request' | 'invalid_client' | 'invalid_request_object' | 'request_uri_not_supported' | 'server_error' | 'temporarily_unavailable';
  readonly description: string;
  readonly detail?: string;
}

export const fatalAuthorizeError = (
  code: FatalAuthorizeError['code'],
  description: string,
  detail?: string,
): FatalAuthorizeError => Object.freeze({ _tag: 'FatalAuthorizeError' as const, code, description, ...(detail === undefined ? {} : { detail }) });
