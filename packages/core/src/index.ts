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
export { clientFromMetadata, decodeClientMetadata, type ClientMetadata } from './codec/client-metadata.js';
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
export type { Codec } from './codec/decode.js';
