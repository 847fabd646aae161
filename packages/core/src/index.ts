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
export type { Codec } from './codec/decode.js';
