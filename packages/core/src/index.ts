/**
 * `@grantor/core`: what an embedder needs. Build a server with `createAuthorizationServer(config, ports)`, mount
 * `server.routes` (or call `server.handle`) through an adapter, drive login and consent through
 * `server.interactions`, protect APIs with `server.bearer`. Writing a store, an adapter or a grant of your own:
 * `@grantor/core/extend`.
 */

// Composition.
export { createAuthorizationServer } from './server/create-authorization-server.js';
export type { AuthorizationServer } from './server/authorization-server.js';
export type { AuthorizationServerPorts } from './server/ports.js';
export type { ServerConfigInput } from './codec/config.js';
export type { ServerConfig } from './config/server-config.js';

// HTTP values (what adapters pass in and write out).
export { httpRequest, type HttpRequest } from './http/http-request.js';
export type { HttpResponse } from './http/http-response.js';
export type { Route } from './http/route.js';

// Clients.
export { clientFromMetadata, type ClientMetadata } from './codec/client-metadata.js';
export type { Client } from './domain/client.js';

// The host-facing APIs (every Promise settles; none rejects).
export type { InteractionApi, InteractionDetails, InteractionFailure, InteractionResult } from './host/interactions.js';
export type { DeviceVerificationApi } from './host/device-verification.js';
export type { KeyOperationResult, KeyRotationApi } from './host/key-rotation.js';
export type { AccessTokenInfo, BearerOptions, BearerResult } from './endpoints/bearer.js';
export {
  protectedResourceMetadata,
  protectedResourceMetadataResponse,
  protectedResourceMetadataUrl,
  type InvalidResource,
  type ProtectedResourceMetadata,
  type ProtectedResourceOptions,
} from './endpoints/protected-resource-metadata.js';
export { clientAdmin, type ClientAdmin, type GeneratedKeyPair, type KeyPairOptions, type RotateSecretOptions, type RotatedSecret } from './host/client-admin.js';
export type { Settled } from './host/settle.js';
export { adminOperations, type AdminOperations, type AdminPorts, type RegistryEntryOperations } from './host/admin-operations.js';
export type { PurgeRegisteredOptions, PurgeReport } from './host/registered-client-purge.js';
export { seedRegistry, type RegistrySeed } from './host/registry-admin.js';
export { resourceView, scopeView, type ResourceView, type ScopeView } from './codec/registry-entries.js';
export type { RegistryStore, ScopeDefinition } from './ports/registry.js';
export type { ResourceServer } from './config/resources.js';
export type { RegisteredClient } from './host/client-registry.js';
export type { TokenFilter, TokenSummary } from './host/token-admin.js';
export type { RetireOptions, SigningKeyInfo } from './host/signing-key-admin.js';
export type { ClientQuery, ConsentQuery, OwnerFilter, Page, TokenKind, TokenStatus } from './ports/admin.js';
export { clientMetadataView } from './codec/client-view.js';

// Errors.
export type { OAuthError, OAuthErrorCode } from './errors/oauth-error.js';
export type { StoreError } from './errors/store-error.js';

// The runtime ports (`@grantor/node`'s `nodeRuntime()` provides them) and the optional feature ports.
export type { Clock, Logger, Random, SecretHasher } from './ports/runtime.js';
export type { UserClaimsSource } from './ports/identity.js';
export type { LoginThrottle, PasswordVerifier } from './ports/password.js';
export type { SessionPort } from './ports/sessions.js';
export type { JwksFetcher } from './ports/jwks-fetcher.js';
export type { ClientMetadataDocumentFetcher } from './ports/client-metadata-documents.js';
export type { AttemptVerdict, ClientAuthThrottle } from './ports/client-auth-throttle.js';
export type { KeyStore, Signer } from './ports/keys.js';
export type { ClaimHooks } from './tokens/claim-hooks.js';
/** A ready-made `ClaimHooks.idToken`: the user's claims released by the granted scope (OIDC Core §5.4) in the ID token too. */
export { idTokenUserClaims } from './endpoints/userinfo.js';
export type { SigningOptions } from './tokens/signed-tokens.js';
export { ownTokensPolicy, type TokenExchangePolicy } from './grants/token-exchange/index.js';

// Keys at rest.
export { encryptedKeyStore, jwePrivateKeySealer, memoryKeyStore } from './keys/key-stores.js';
