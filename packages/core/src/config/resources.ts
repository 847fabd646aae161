/**
 * RFC 8707 resource servers the authorization server issues tokens for, and the RFC 7591 registration policy: the
 * decoded configuration (see `codec/resource-config.ts`).
 */

/** One protected resource (an API): the audience of the access tokens issued for it (RFC 8707 §2). */
export interface ResourceServer {
  /** Absolute URI without fragment (RFC 8707 §2), compared as an exact string with the `resource` parameter. */
  readonly identifier: string;
  /**
   * Scopes this resource accepts. A token for it never carries a scope that belongs only to other resources; scopes
   * no resource lists (`openid`, `profile`, …) are kept. Empty: every scope is accepted.
   */
  readonly scopes: readonly string[];
  /** Access-token format for this audience (default: the client's, else the server's). */
  readonly accessTokenFormat?: 'opaque' | 'jwt';
  /** Access-token lifetime in seconds for this audience (default: the client's, else the server's). */
  readonly accessTokenLifetime?: number;
  /**
   * Client ids the resource server authenticates as at the introspection endpoint: they may introspect every token
   * whose audience is this resource (RFC 7662 §2.1, §4), and no other.
   */
  readonly clientIds: readonly string[];
}

/**
 * RFC 7591 §3 dynamic client registration: `closed` (no registration endpoint, the default), `open` (anyone may
 * register) or `token` (an initial access token, RFC 7591 §3: `Authorization: Bearer`, whose SHA-256 is listed).
 */
export interface RegistrationConfig {
  readonly mode: 'closed' | 'open' | 'token';
  /** SHA-256 (base64url) of the initial access tokens accepted in `token` mode. */
  readonly initialAccessTokenHashes: readonly string[];
  /** Scopes a registered client may ask for (default: every scope of `scopesSupported`). */
  readonly allowedScopes?: readonly string[];
  /** Grant types a registered client may ask for (default: the server's grant types). */
  readonly allowedGrantTypes?: readonly string[];
}
