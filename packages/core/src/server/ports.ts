import type { ClientAuthPorts } from '../client-auth/authenticate.js';
import type { TokenUsageSink } from '../ports/token-usage.js';
import type { ClientAuthMethod } from '../domain/client.js';
import type { AuthorizePorts } from '../endpoints/authorize.js';
import type { DeviceAuthorizationPorts } from '../endpoints/device-authorization.js';
import type { AuthorizationCodePorts } from '../grants/authorization-code/handler.js';
import type { ClientCredentialsPorts } from '../grants/client-credentials/handler.js';
import type { DeviceCodePorts } from '../grants/device-code/handler.js';
import type { RefreshTokenGrantPorts } from '../grants/refresh-token/handler.js';
import type { TokenExchangePolicy } from '../grants/token-exchange/policy.js';
import type { DeviceVerificationPorts } from '../host/device-verification.js';
import type { InteractionPorts } from '../host/interactions.js';
import type { UserClaimsSource } from '../ports/identity.js';
import type { KeyStore, Signer } from '../ports/keys.js';
import type { LoginThrottle, PasswordVerifier } from '../ports/password.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { SessionPort } from '../ports/sessions.js';
import type { AccessTokenStore, ClientStore, RefreshTokenStore, ReplayCache } from '../ports/stores.js';
import type { RegisteredClientStore } from '../ports/client-registrations.js';
import type { ClientMetadataDocumentFetcher } from '../ports/client-metadata-documents.js';
import type { ClaimHooks } from '../tokens/claim-hooks.js';
import type { TokenHooks } from '../tokens/issue.js';
import type { SigningOptions } from '../tokens/signed-tokens.js';

/** What every server needs: the runtime, clients, access tokens and the replay cache (client assertions). */
export interface BasePorts {
  readonly clock: Clock;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
  readonly clients: ClientStore;
  readonly accessTokens: AccessTokenStore;
  readonly replay: ReplayCache;
}

/** The optional grants' ports (required, at the type level and at construction, when their grant is enabled). */
interface OptionalGrantPorts {
  /** RFC 6749 §4.3 (legacy password grant): the host's password check. */
  readonly passwords?: PasswordVerifier;
  /** RFC 6749 §4.3 / RFC 9700 §2.4: the password grant's attempt throttle. */
  readonly loginThrottle?: LoginThrottle;
  /** RFC 8693: what may be exchanged (default `ownTokensPolicy()`). */
  readonly tokenExchangePolicy?: TokenExchangePolicy;
}

/** Keys, ID tokens, userinfo, introspection, revocation and logout. All optional. */
interface SigningPorts {
  /** Where the signing key set is kept; default: in memory (new keys on every restart). */
  readonly keys?: KeyStore;
  /** A custom signer (KMS/HSM); replaces the default jose signer over `keys`. */
  readonly signer?: Signer;
  /** End-user claims (OIDC Core §5.1): the userinfo endpoint is mounted only with this port. */
  readonly claims?: UserClaimsSource;
  readonly refreshTokens?: RefreshTokenStore;
  /** Extra claims for access tokens, ID tokens and introspection responses. */
  readonly claimHooks?: ClaimHooks;
  readonly signing?: SigningOptions;
  /**
   * Client authentication methods to advertise (default: basic, post, private_key_jwt, none, and client_secret_jwt
   * when the `clientSecretJwtKeys` port is present).
   */
  readonly tokenEndpointAuthMethods?: readonly ClientAuthMethod[];
  /** The host's login sessions: the end-session endpoint tells it about every accepted logout. */
  readonly sessions?: SessionPort;
  /** Overrides of the token formats the server builds from its signer (the host's hooks win). */
  readonly tokens?: Partial<TokenHooks>;
  /** RFC 7591 / RFC 7592: deleting and listing registered clients (required when `config.registration` is not closed). */
  readonly registeredClients?: RegisteredClientStore;
  /**
   * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): with this port, a `client_id` that is
   * an https URL the store does not know is fetched and validated on use, and discovery advertises
   * `client_id_metadata_document_supported`. `@grantor/node`'s `httpClientMetadataDocuments()` implements it.
   */
  readonly clientMetadataDocuments?: ClientMetadataDocumentFetcher;
  /** Usage tracking: told of every accepted access token (bearer check, introspection); see `TokenUsageSink`. */
  readonly tokenUsage?: TokenUsageSink;
}

/** The always-on grants' ports (the token endpoint dispatches to them). */
type GrantPorts = AuthorizationCodePorts & RefreshTokenGrantPorts & ClientCredentialsPorts & DeviceCodePorts;

/** The ports of the authorization endpoint, the interaction contract and the device flow. */
type FeaturePorts = AuthorizePorts & InteractionPorts & DeviceAuthorizationPorts & DeviceVerificationPorts;

/**
 * Every port `createAuthorizationServer` takes: one flat object, `{ ...runtime, ...store, ...extras }`.
 * `@grantor/store-memory`'s store plus `@grantor/node`'s `nodeRuntime()` satisfies it.
 */
export type AuthorizationServerPorts = BasePorts & ClientAuthPorts & Omit<GrantPorts, 'tokens'> & Omit<FeaturePorts, 'tokens'> & OptionalGrantPorts & SigningPorts;

/** The ports after composition: the one signer and the token formats built from it, passed to every feature. */
export type ComposedPorts = AuthorizationServerPorts & { readonly signer: Signer; readonly tokens: TokenHooks };
