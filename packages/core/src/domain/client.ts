/** RFC 7591 §2 `token_endpoint_auth_method` values Grantor understands. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** A JSON Web Key as registered in client metadata (public members only). */
export type PublicJwk = Readonly<Record<string, unknown>> & { readonly kty: string; readonly kid?: string; readonly alg?: string };

/** A stored client secret: only its SHA-256 (base64url) is kept. `expiresAt` supports overlap on rotation. */
export interface ClientSecretHash {
  readonly hash: string;
  /** Epoch seconds after which this secret no longer authenticates; absent = no expiry. */
  readonly expiresAt?: number;
}

/** Per-client overrides of token lifetimes, in seconds. */
export interface TokenLifetimes {
  readonly accessToken: number;
  readonly refreshToken: number;
  readonly authorizationCode: number;
  readonly idToken: number;
  readonly deviceCode: number;
}

/**
 * A registered client, as the core works with it (RFC 7591 metadata, decoded). Secrets are hashes, never clear.
 */
export interface Client {
  readonly clientId: string;
  readonly clientName?: string;
  /** SHA-256 hashes of the client's current secrets; empty for public and key-based clients. */
  readonly secretHashes: readonly ClientSecretHash[];
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly responseTypes: readonly string[];
  /** Scopes this client may be granted. */
  readonly scope: readonly string[];
  readonly tokenEndpointAuthMethod: ClientAuthMethod;
  readonly jwks?: { readonly keys: readonly PublicJwk[] };
  readonly jwksUri?: string;
  /** `opaque` (default) or RFC 9068 JWT access tokens. */
  readonly accessTokenFormat?: 'opaque' | 'jwt';
  readonly lifetimes?: Partial<TokenLifetimes>;
  /** RFC 9126 §6 `require_pushed_authorization_requests`: authorization requests only by `request_uri`. */
  readonly requirePushedAuthorizationRequests?: boolean;
  /** RFC 9101 §10.5 `require_signed_request_object`: authorization requests only as a signed request object. */
  readonly requireSignedRequestObject?: boolean;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: the token endpoint refuses requests without a DPoP proof. */
  readonly dpopBoundAccessTokens?: boolean;
  /** Free-form extension data for token hooks. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * Web origins (`scheme://host[:port]`) whose browser scripts may call the token, userinfo, introspection and
   * revocation endpoints for this client (CORS; Grantor's `allowed_cors_origins` metadata member).
   */
  readonly allowedCorsOrigins?: readonly string[];
  /** Set by an operator: a disabled client is treated as unknown by every endpoint (it can neither authenticate nor start a flow). */
  readonly disabled?: boolean;
  /** Set for clients registered through the RFC 7591 endpoint (RFC 7592 management). */
  readonly registration?: ClientRegistration;
}

/** How a dynamically registered client is managed (RFC 7591 §3.2.1, RFC 7592 §3). */
export interface ClientRegistration {
  /** SHA-256 (base64url) of the current registration access token; the token itself is never stored. */
  readonly accessTokenHash: string;
  /** Epoch seconds of the registration (RFC 7591 `client_id_issued_at`). */
  readonly registeredAt: number;
}

/** RFC 6749 §2.1: a client that cannot keep a credential confidential. */
export const isPublicClient = (c: Client): boolean => c.tokenEndpointAuthMethod === 'none';

/** The outcome of client authentication at an endpoint (RFC 6749 §2.3). */
export interface AuthenticatedClient {
  readonly client: Client;
  readonly method: ClientAuthMethod;
}
