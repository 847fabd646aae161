import type { TokenLifetimes } from '../domain/client.js';
import type { RegistrationConfig, ResourceServer } from './resources.js';

/**
 * The authorization server's configuration, after decoding (`codec/config.ts` decodes and fills defaults at
 * construction; a bad value is a `TypeError` naming the field, at startup, never at request time).
 */
export interface ServerConfig {
  /** RFC 8414 §2 issuer identifier, used verbatim (no trailing slash added or removed). */
  readonly issuer: string;
  /**
   * `fapi2`: the FAPI 2.0 Security Profile §5.3.2 as one setting (see `docs/fapi2.md`): it fixes PAR, PKCE, DPoP,
   * code lifetime and refresh settings (a contradicting value is refused at startup) and allows only
   * `private_key_jwt` client authentication. `default`: none of that is forced.
   */
  readonly profile: 'default' | 'fapi2';
  /** Absolute URL where the routes below are mounted (default: the issuer). Discovery advertises `baseUrl + path`. */
  readonly baseUrl: string;
  /** Route paths relative to `baseUrl`. */
  readonly routes: {
    readonly authorization: string;
    readonly token: string;
    readonly introspection: string;
    readonly revocation: string;
    readonly userinfo: string;
    readonly jwks: string;
    readonly deviceAuthorization: string;
    readonly endSession: string;
    /** RFC 7591 registration endpoint (RFC 7592 management at the same path with `?client_id=`). */
    readonly registration: string;
    /** RFC 9126 pushed authorization request endpoint (mounted with a `pushedRequests` store). */
    readonly pushedAuthorization: string;
  };
  /**
   * Where the authorization endpoint sends the user agent for login and consent: `{id}` is replaced by the
   * interaction id. Absolute, or relative to the issuer's origin.
   */
  readonly interactionUrl: string;
  /** Scopes this server knows (besides each client's own `scope`, which limits what a client may get). */
  readonly scopesSupported: readonly string[];
  /** Grant types enabled server-wide; a client must also list the grant type in its own `grant_types`. */
  readonly grantTypes: readonly string[];
  readonly lifetimes: TokenLifetimes & { readonly interaction: number };
  readonly pkce: {
    /**
     * `all` (default, OAuth 2.1 §4.1.1, RFC 9700 §2.1.1): PKCE for every client; `public`: for public clients only
     * (confidential clients may then rely on their authentication and `nonce` against code injection).
     */
    readonly requiredFor: 'public' | 'all';
    /** RFC 7636 `plain` is refused unless enabled (RFC 9700 §2.1.1). */
    readonly allowPlain: boolean;
  };
  readonly refreshTokens: {
    /**
     * The reuse grace window (RFC 9700 §4.14.2), in seconds after a rotation, by client type. Within it a retry with
     * the just-rotated token (a lost reply) proceeds from its successor while nobody has used that — fresh tokens
     * of the same grant, once — and is otherwise refused with `invalid_grant` without revoking the family. 0 turns
     * the window off: any second use revokes the family. Defaults: 10 s for public clients (native and browser
     * apps on flaky networks, the MCP profile's clients), 0 for confidential clients. The input may be one number
     * for both.
     */
    readonly reuseGraceSeconds: { readonly public: number; readonly confidential: number };
  };
  /** Default access-token format; a client's `accessTokenFormat` overrides it. */
  readonly accessTokenFormat: 'opaque' | 'jwt';
  readonly deviceFlow: {
    /** Absolute URL of the verification page (RFC 8628 §3.2 `verification_uri`). */
    readonly verificationUri: string;
    readonly interval: number;
    readonly userCode: { readonly length: number; readonly charset: 'consonants' | 'numeric' | 'alphanumeric' };
  };
  /** Client assertion / JWT bearer assertion limits (RFC 7523 §3). */
  readonly assertions: { readonly maxLifetimeSeconds: number; readonly clockSkewSeconds: number };
  /** RFC 8707 resource servers (the audiences a `resource` parameter may name); empty: no resource indicators. */
  readonly resources: readonly ResourceServer[];
  /** RFC 7591 / RFC 7592 dynamic client registration policy (default closed). */
  readonly registration: RegistrationConfig;
  /** RFC 9126 pushed authorization requests. */
  readonly par: {
    /** §6 `require_pushed_authorization_requests` server-wide (a client's own metadata can require it too). */
    readonly required: boolean;
    /** §2.2 `expires_in` of a `request_uri`, seconds (short-lived; default 60). */
    readonly requestUriLifetime: number;
  };
  /** RFC 9101 request objects (`request` at the authorization and pushed authorization endpoints). */
  readonly requestObjects: {
    /** §10.5 `require_signed_request_object` server-wide (a client's own metadata can require it too). */
    readonly required: boolean;
    /** `request_object_signing_alg_values_supported`: asymmetric JWS algorithms accepted (never `none`). */
    readonly signingAlgs: readonly string[];
    /** How far ahead `exp` may be (and how old `nbf` may be), seconds (default 3600, FAPI 2.0 Message Signing's bound). */
    readonly maxLifetimeSeconds: number;
  };
  /** RFC 9449 DPoP. */
  readonly dpop: {
    /** §5.1 `dpop_signing_alg_values_supported`: asymmetric JWS algorithms accepted for proofs. */
    readonly signingAlgs: readonly string[];
    /** §4.3 check 11: how far a proof's `iat` may be from now, in seconds (both ways). */
    readonly proofMaxAgeSeconds: number;
    /** Every client must send a proof at the token endpoint (a client's `dpop_bound_access_tokens` requires it for it). */
    readonly required: boolean;
    /**
     * §8 server nonces: when set, proofs must carry a `nonce` the server issued (`use_dpop_nonce` / `DPoP-Nonce`).
     * Nonces are derived from this secret and the time window, so no store write happens per request.
     */
    readonly nonceSecret?: string;
    /** §8: how long a nonce stays current, seconds (the previous one is still accepted). */
    readonly nonceRotationSeconds: number;
  };
}
