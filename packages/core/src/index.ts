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
export * from './server/config.js';
export * from './server/authorization-server.js';
export * from './grants/grant.js';
// Pure lifecycle judgements and transitions, namespaced (custom stores, fakes and model tests use them).
export * as codeLifecycle from './lifecycle/authorization-code.js';
export * as refreshFamily from './lifecycle/refresh-family.js';
export type { Codec } from './codec/decode.js';
