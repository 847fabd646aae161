export * from './http/http-request.js';
export * from './http/http-response.js';
export * from './errors/oauth-error.js';
export * from './errors/store-error.js';
export * from './domain/client.js';
export * from './domain/scope.js';
export * from './domain/records.js';
export * from './ports/runtime.js';
export * from './ports/stores.js';
export * from './ports/identity.js';
export * from './ports/keys.js';
export * from './ports/jwks-fetcher.js';
export type { ClientSecretJwtKeyStore } from './ports/client-secret-jwt-keys.js';
export * from './server/config.js';
export * from './server/authorization-server.js';
export * from './grants/grant.js';
// Pure lifecycle judgements and transitions, namespaced (custom stores, fakes and model tests use them).
export * as codeLifecycle from './lifecycle/authorization-code.js';
export * as refreshFamily from './lifecycle/refresh-family.js';
export * as interactionLifecycle from './lifecycle/interaction.js';
export * as deviceCodeLifecycle from './lifecycle/device-code.js';
// Authorization endpoint, interaction contract, device flow (RFC 6749 §4.1, RFC 8628).
export { authorizeRoute, handleAuthorize, interactionLocation, type AuthorizePorts } from './endpoints/authorize.js';
export { authorizeErrorPage, interactionErrorPage } from './endpoints/error-page.js';
export { appendQuery } from './endpoints/authorization-response.js';
export { deviceAuthorizationRoute, handleDeviceAuthorization, type DeviceAuthorizationPorts, type DeviceAuthorizationResponse } from './endpoints/device-authorization.js';
export { createInteractionApi, type InteractionContract, type InteractionPorts } from './server/interactions.js';
export { createDeviceVerificationApi, type DeviceVerificationPorts } from './server/device-verification.js';
export {
  deviceCodeGrant,
  deviceCodeGrantType,
  makeDeviceCodeGrant,
  formatUserCode,
  generateUserCode,
  normalizeUserCode,
  type DeviceCodePorts,
} from './grants/device-code/index.js';
// Token side: form parsing, codecs, client authentication, token issuance, grants, token endpoint, composition.
export { parseForm, parseFormBytes, parseFormText, readFormBody, requireFormContentType, isFormContentType, decodeFormComponent, type FormParams } from './http/form-urlencoded.js';
export { base64Decode, base64Encode, utf8Decode, utf8Encode } from './http/encoding.js';
export { decodeServerConfig, defaultGrantTypes, defaultRoutes, defaultScopesSupported, type ServerConfigInput } from './codec/config.js';
export { clientFromMetadata, clientSecretJwtKeyOf, decodeClientMetadata, type ClientMetadata } from './codec/client-metadata.js';
export type { Rejection, RevokeGrant } from './lifecycle/rejection.js';
export {
  authenticateClient,
  basicChallenge,
  invalidClient,
  jwtBearerAssertionType,
  type ClientAuthContext,
  type ClientAuthPorts,
  type ClientSecretJwtKeys,
} from './client-auth/index.js';
export { issueTokens, lifetimeOf, mayIssueRefreshToken, type IdTokenRequest, type IssueFacts, type IssuePorts, type TokenHooks } from './tokens/issue.js';
export { authorizationCodeGrant, type AuthorizationCodePorts } from './grants/authorization-code/index.js';
export { clientCredentialsGrant, defaultClientCredentialsScope, type ClientCredentialsPorts } from './grants/client-credentials/index.js';
export { refreshTokenGrant, type RefreshTokenGrantPorts } from './grants/refresh-token/index.js';
// More grants (RFC 7523 §2.1 JWT bearer, RFC 8693 token exchange, RFC 6749 §4.3 password — legacy, off by default).
export {
  assertionReplayKey,
  grantAssertionAudiences,
  jwtBearerGrant,
  jwtBearerGrantType,
  verifyGrantAssertion,
  type GrantAssertionCheck,
  type JwtBearerPorts,
  type VerifiedGrantAssertion,
} from './grants/jwt-bearer/index.js';
export {
  actClaim,
  defaultTokenExchangePolicy,
  ownTokensPolicy,
  tokenExchangeGrant,
  tokenExchangeGrantType,
  tokenTypes,
  type OwnTokensPolicyOptions,
  type TokenExchangeDecision,
  type TokenExchangePolicy,
  type TokenExchangePorts,
  type TokenExchangeRequest,
} from './grants/token-exchange/index.js';
export { passwordGrant, passwordGrantType, throttleKeys, type PasswordGrantPorts } from './grants/password/index.js';
export type { LoginThrottle, PasswordVerifier } from './ports/password.js';
export { registerGrant, type RegisteredGrant } from './grants/registry.js';
export { requestedScope, rejectWithEffects, type RevocationPorts } from './grants/shared.js';
export { handleTokenRequest, tokenRoute, type TokenEndpointPorts } from './endpoints/token.js';
export { failWith, guarded, logError, methodNotAllowed, renderError } from './endpoints/render-error.js';
export {
  createAuthorizationServer,
  grantRegistry,
  authorizationRouteBuilders,
  oidcRouteBuilders,
  tokenHooksBuilders,
  bearerBuilders,
  type RouteBuilder,
  type TokenHooksBuilder,
  type BearerBuilder,
} from './server/create-authorization-server.js';
export type { AuthorizationServerPorts, BasePorts, FeaturePorts, GrantPorts } from './server/ports.js';
// Signing side: keys, ID tokens, JWT access tokens, JWKS, discovery, userinfo, introspection, revocation, bearer.
export {
  activeKey,
  algorithmsOf,
  emptyKeySet,
  ensureActive,
  freshKeysNeeded,
  missingActive,
  privateJwkMembers,
  prune as pruneKeySet,
  publicPart,
  publishedJwks,
  rotate as rotateKeySet,
} from './keys/lifecycle.js';
export { generateSigningKey, generateSigningKeys } from './keys/generate.js';
export { defaultSigningAlgorithms, joseJwsSigning, joseSigner, keyringSigner, type JwsHeader, type JwsSigningFunction, type Keyring, type KeyringOptions } from './keys/jose-signer.js';
export { decryptKeySet, encryptKeySet, encryptedKeyStore, isKeySet, jwePrivateKeySealer, memoryKeyStore, type KeyBlobStore } from './keys/key-stores.js';
export { looksLikeJws, verifyJws, type VerifiedJws } from './keys/verify.js';
export { reservedClaims, type ClaimHooks, type Claims, type IntrospectionClaimsContext, type TokenClaimsContext } from './tokens/claim-hooks.js';
export { idTokenClaims, signIdToken, type IdTokenOptions } from './tokens/id-token.js';
export { accessTokenJwtType, jwtAccessTokenClaims, signJwtAccessToken, type JwtAccessTokenOptions } from './tokens/jwt-access-token.js';
export { signedTokenHooks, type SignedTokenOptions } from './tokens/signed-tokens.js';
export { leftHalfHash } from './tokens/hash.js';
export {
  findAccessToken,
  findPresentedToken,
  findRefreshToken,
  isActiveAccessToken,
  isActiveRefreshToken,
  type FoundToken,
  type TokenLookupDeps,
} from './tokens/lookup.js';
export { jwksRoute, type JwksDeps } from './endpoints/jwks.js';
export { discoveryMetadata, discoveryRoutes, discoveryUrls, type DiscoveryOptions } from './endpoints/discovery.js';
export { idTokenUserClaims, releasedClaims, scopeClaims, standardClaims, userinfoRoute, type UserinfoDeps } from './endpoints/userinfo.js';
export { inactive as inactiveIntrospection, introspectionRoute, type IntrospectionDeps } from './endpoints/introspection.js';
export { revocationRoute, type RevocationDeps } from './endpoints/revocation.js';
export { endSessionRoute, signedOutPage, type EndSessionDeps } from './endpoints/end-session.js';
export type { EndSessionContext, SessionPort } from './ports/sessions.js';
export {
  clientAdmin,
  generateClientKeyPair,
  rotateClientSecret,
  rotatedSecretHashes,
  type ClientAdminPorts,
  type GeneratedKeyPair,
  type KeyPairOptions,
  type RotateSecretOptions,
  type RotatedSecret,
} from './admin/clients.js';
export { claimsMapping, mapClaims, valueAtPath, type ClaimSource, type ClaimsMappingSpec, type UserRecordLoader } from './identity/claims-mapping.js';
export { bearerChallenge, bearerCheck, extractBearerToken, type BearerDeps } from './server/bearer.js';
export { oidcBearer, oidcKeys, oidcRoutes, oidcTokenHooks, signerOf, type OidcPorts, type SigningOptions } from './server/oidc.js';
export type { Codec } from './codec/decode.js';
