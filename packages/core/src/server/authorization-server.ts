import type { HttpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import type { Client } from '../domain/client.js';
import type { InteractionRecord } from '../domain/records.js';
import type { OAuthError } from '../errors/oauth-error.js';
import type { StoreError } from '../errors/store-error.js';
import type { JwkSet, SigningAlg } from '../ports/keys.js';
import type { ServerConfig } from './config.js';

/** One HTTP route of the server, relative to `config.baseUrl`. */
export interface Route {
  readonly path: string;
  readonly methods: readonly string[];
  readonly handle: (req: HttpRequest) => Promise<HttpResponse>;
}

/** What a resource server learns from a valid access token (RFC 6750, RFC 7662 vocabulary). */
export interface AccessTokenInfo {
  readonly clientId: string;
  readonly subject?: string;
  readonly scope: readonly string[];
  readonly expiresAt: number;
  readonly issuedAt: number;
  readonly audience?: readonly string[];
  readonly tokenId: string;
  readonly format: 'opaque' | 'jwt';
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type BearerResult =
  | { readonly _tag: 'Authorized'; readonly auth: AccessTokenInfo }
  /** `response` is the RFC 6750 §3 error (401/403/400 with `WWW-Authenticate`) to send as is. */
  | { readonly _tag: 'Rejected'; readonly response: HttpResponse };

export interface BearerOptions {
  /** Every one of these scopes must be granted (RFC 6750 §3.1 `insufficient_scope` otherwise). */
  readonly requiredScopes?: readonly string[];
  /** RFC 6750 §2.3 URI query parameter: off unless enabled. */
  readonly allowQuery?: boolean;
  /** RFC 6750 §2.2 form-encoded body parameter (on by default). */
  readonly allowBody?: boolean;
  /** `realm` in `WWW-Authenticate`. */
  readonly realm?: string;
}

/** What the host's login/consent page needs to know about a pending authorization request. */
export interface InteractionDetails {
  readonly interaction: InteractionRecord;
  readonly client: Client;
  /** Scopes the subject has not yet granted this client (consent page lists these; empty → consent may be skipped). */
  readonly scopesNeedingConsent: (subject: string) => Promise<readonly string[]>;
}

export interface InteractionResult {
  readonly subject: string;
  /** The scopes the user approved (a subset of the requested ones). */
  readonly scope: readonly string[];
  /** Epoch seconds of the user's authentication (OIDC `auth_time`). */
  readonly authTime: number;
  readonly acr?: string;
  /** Remember the consent so later requests for the same scopes skip the consent page. Default true. */
  readonly rememberConsent?: boolean;
}

/**
 * The interaction contract (the embedding point): the authorization endpoint answers "interaction required" by
 * redirecting to `config.interactionUrl`; the host authenticates the user however it likes, then finishes the
 * interaction, which yields the redirect back to the client (RFC 6749 §4.1.2, RFC 9207 `iss`).
 */
export interface InteractionApi {
  readonly details: (id: string) => Promise<{ readonly _tag: 'Found'; readonly details: InteractionDetails } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
  readonly finish: (id: string, result: InteractionResult) => Promise<HttpResponse>;
  readonly deny: (id: string) => Promise<HttpResponse>;
  /**
   * Ends the interaction with an OpenID Connect Core §3.1.2.6 error sent to the client's redirect URI, e.g. for
   * `prompt=none` when the user has no session (`login_required`) or has not consented (`consent_required`).
   * Always present on the server `createAuthorizationServer` returns (optional only so that hand-made fakes of this
   * interface stay valid).
   */
  readonly fail?: (id: string, error: InteractionFailure) => Promise<HttpResponse>;
}

/** The errors a host may end an interaction with (OpenID Connect Core §3.1.2.6; RFC 6749 §4.1.2.1). */
export type InteractionFailure = 'login_required' | 'consent_required' | 'interaction_required' | 'access_denied';

/** The host's side of the RFC 8628 verification page. */
export interface DeviceVerificationApi {
  /** Looks a user code up (normalised: case, dashes, spaces) for the consent page. */
  readonly lookup: (userCode: string) => Promise<{ readonly _tag: 'Pending'; readonly client: Client; readonly scope: readonly string[] } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
  readonly approve: (userCode: string, result: Omit<InteractionResult, 'rememberConsent'>) => Promise<{ readonly _tag: 'Done' } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
  readonly deny: (userCode: string) => Promise<{ readonly _tag: 'Done' } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
}

/** The outcome of a key operation: the keys now published at `jwks_uri` and the active (signing) ones. */
export type KeyOperationResult =
  | { readonly _tag: 'Done'; readonly jwks: JwkSet; readonly active: readonly { readonly kid: string; readonly alg: SigningAlg }[] }
  | { readonly _tag: 'Failed'; readonly error: StoreError };

/**
 * Signing-key operations on the server's own signer (`keys/jose-signer.ts`), for a schedule or an operator:
 * `rotate` (next → active → retired, fresh next keys; retired keys stay published until the tokens they signed
 * expire) and `reload` (another process rotated the shared key store).
 */
export interface KeyRotationApi {
  readonly rotate: () => Promise<KeyOperationResult>;
  readonly reload: () => Promise<KeyOperationResult>;
}

/** The object `createAuthorizationServer(config, ports)` returns. Promises here never reject. */
export interface AuthorizationServer {
  readonly config: ServerConfig;
  /** Every route (adapters mount them all; a route added later needs no adapter change). */
  readonly routes: readonly Route[];
  /** True when `path` is one of the server's routes, so an adapter can pass other paths on to the host. */
  readonly matches: (path: string) => boolean;
  /** Dispatches by path (405 with `Allow` for a wrong method, 404 for an unknown path). Never rejects. */
  readonly handle: (req: HttpRequest) => Promise<HttpResponse>;
  /** RFC 6750 bearer-token check for resource servers (adapters' middleware calls this). Never rejects. */
  readonly bearer: (req: HttpRequest, options?: BearerOptions) => Promise<BearerResult>;
  readonly interactions: InteractionApi;
  readonly device: DeviceVerificationApi;
  /**
   * Key rotation on the running server. Present when its signer can rotate: the default jose signer, or a
   * `ports.signer` that has `rotate`/`reload` (e.g. a `joseSigner` built by the host); absent for other custom signers.
   */
  readonly keys?: KeyRotationApi;
}
