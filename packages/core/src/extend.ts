/**
 * `@grantor/core/extend`: the extension surface, for people who write a store, an adapter, a signer or a grant.
 * Embedders need only `@grantor/core`. Everything here is semver surface too, and named one by one.
 */

// Stores: the port contracts and the records they keep (hashes only; times in epoch seconds). `@grantor/testkit`'s
// contract suite holds an implementation to them.
export type {
  AccessTokenStore,
  AuthorizationCodeStore,
  ClientStore,
  ConsentStore,
  ConsumeOutcome,
  DeviceCodeStore,
  InteractionStore,
  PollOutcome,
  RefreshTokenStore,
  ReplayCache,
  RotateOutcome,
  Sweeper,
} from './ports/stores.js';
export type { ClientSecretJwtKeyStore } from './ports/client-secret-jwt-keys.js';
export type { AccountTokenPurpose, AccountTokenRecord, AccountTokenStore, UserAccount, UserAccountChange, UserQuery, UserStore } from './ports/users.js';
export type { LoginSessionRecord, LoginSessionStore } from './ports/login-sessions.js';
export type { TokenUse, TokenUsageSink, TokenUsageStore } from './ports/token-usage.js';
export type { RegisteredClientStore } from './ports/client-registrations.js';
export type { PushedRequestStore } from './ports/pushed-requests.js';
export type { RegistryStore, ScopeDefinition } from './ports/registry.js';
export type { PushedRequestRecord } from './domain/pushed-request.js';
export type { ActiveTokenCounts, AdminStore, PageRequest, TokenEntry, TokenQuery } from './ports/admin.js';
export { tokenStatus } from './lifecycle/token-status.js';
export type {
  AccessTokenRecord,
  AuthorizationCodeRecord,
  ConsentRecord,
  DeviceCodeRecord,
  DeviceCodeStatus,
  InteractionRecord,
  PkceChallenge,
  RefreshTokenRecord,
} from './domain/records.js';
export type { ClientAuthMethod, ClientSecretHash, PublicJwk } from './domain/client.js';
export { clientSecretJwtKeyOf, decodeClientMetadata } from './codec/client-metadata.js';
export { clientIdUrlProblem, decodeClientIdMetadataDocument, type MetadataDocumentPolicy } from './codec/client-id-metadata-document.js';
export { fromStoreError, storeError } from './errors/store-error.js';

// Pure lifecycle judgements and transitions (custom stores, fakes and model tests use them).
export * as codeLifecycle from './lifecycle/authorization-code.js';
export * as refreshFamily from './lifecycle/refresh-family.js';
export * as interactionLifecycle from './lifecycle/interaction.js';
export * as deviceCodeLifecycle from './lifecycle/device-code.js';

// HTTP values for adapters: response constructors and readers, the form parser.
export { bodyText, contentTypeOf, empty, html, json, noStore, redirect, text, type HtmlResponse, type JsonResponse } from './http/http-response.js';
export { decodeFormComponent, hasControlCharacter, parseFormText, readFormBody } from './http/form-urlencoded.js';
export { utf8Decode } from './http/encoding.js';
export { renderError } from './endpoints/render-error.js';
export { appendQuery } from './endpoints/authorization-response.js';

// Errors.
export { oauthError, oauthErrorStatus } from './errors/oauth-error.js';

// Grants: the record, its context and registration.
export type { Grant, GrantContext, PortsOf, TokenResponse } from './grants/grant.js';
export { registerGrant, type RegisteredGrant } from './grants/registry.js';
export { builtInGrants, type BuiltInGrantType, type PortsFor } from './grants/built-in.js';
export { issueTokens, type IssueFacts, type IssuePorts, type TokenHooks } from './tokens/issue.js';
export { decodeServerConfig } from './codec/config.js';
export type { Codec } from './codec/decode.js';

// Token lookups (resource servers, custom endpoints).
export { findAccessToken, findPresentedToken, isActiveAccessToken, type FoundToken, type TokenLookupPorts } from './tokens/lookup.js';

// The RFC 6750 bearer check over any token source (a resource server elsewhere: `@grantor/node`'s remote verifier).
export { checkBearer, type BearerCheckPorts, type PresentedToken } from './endpoints/bearer.js';
export { checkSenderConstraint } from './dpop/resource.js';

// Scopes (RFC 6749 §3.3).
export { formatScope, isSubset, parseScope, type Scope } from './domain/scope.js';

// Keys and signing: the key-set lifecycle, the keyring signer over any JWS function, JWS verification.
export type { Jwk, JwkSet, KeySet, SigningAlg, SigningKey, SignOptions } from './ports/keys.js';
export { signingAlgs } from './ports/keys.js';
export { privateJwkMembers, publicPart, publishedJwks, rotate as rotateKeySet } from './keys/lifecycle.js';
export { defaultSigningAlgorithms, joseSigner, keyringSigner, type JwsHeader, type JwsSigningFunction, type Keyring, type KeyringOptions } from './keys/jose-signer.js';
export { looksLikeJws, verifyJws, type VerifiedJws } from './keys/verify.js';
