export * from './fakes.js';
/** fast-check arbitraries for Grantor's values: clients, scopes, store records, lifecycles and HTTP requests. */
export * from './arbitraries/index.js';
export * from './contract/index.js';
export * from './model/lifecycle-model.js';
// HTTP conformance suite + AuthorizationServer fake (owned by the adapters engineer; the adapters' tests import it from here: keep this line)
export * from './conformance/index.js';
export * from './readme-example.js';
