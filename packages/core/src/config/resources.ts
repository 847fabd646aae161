/**
 * RFC 8707 resource servers the authorization server issues tokens for, and the RFC 7591 registration policy: the
 * decoded configuration (see `codec/resource-config.ts`).
 */
import type { PublicJwk } from '../domain/client.js';

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
 * RFC 7591 §2.3 / §3.1.1 software statements: a JWT asserting metadata about the client software, signed by a party
 * the operator trusts. Its claims take precedence over the plain JSON members of the registration request.
 */
export interface SoftwareStatementPolicy {
  /** The public keys (a JWK Set) whose signatures make a software statement trusted. */
  readonly trustedKeys: { readonly keys: readonly PublicJwk[] };
  /** When set, a statement's `iss` must be one of these. */
  readonly issuers?: readonly string[];
  /** When set, only statements whose `software_id` is listed are approved (else `unapproved_software_statement`). */
  readonly approvedSoftwareIds?: readonly string[];
}

/**
 * RFC 7591 §3 dynamic client registration: `closed` (no registration endpoint, the default), `open` (anyone may
 * register), `token` (an initial access token, RFC 7591 §3: `Authorization: Bearer`, whose SHA-256 is listed) or
 * `software_statement` (anyone may register, but only with a software statement signed by a trusted key, §2.3).
 */
export interface RegistrationConfig {
  readonly mode: 'closed' | 'open' | 'token' | 'software_statement';
  /** SHA-256 (base64url) of the initial access tokens accepted in `token` mode. */
  readonly initialAccessTokenHashes: readonly string[];
  /** Scopes a registered client may ask for (default: every scope of `scopesSupported`). */
  readonly allowedScopes?: readonly string[];
  /** Grant types a registered client may ask for (default: the server's grant types). */
  readonly allowedGrantTypes?: readonly string[];
  /**
   * Software statements (RFC 7591 §2.3): required in `software_statement` mode, optional (but verified when sent) in
   * `open` and `token` modes. Without it, a request carrying a `software_statement` is `unapproved_software_statement`.
   */
  readonly softwareStatements?: SoftwareStatementPolicy;
}
