/** fast-check arbitraries for Grantor's values: clients, scopes, store records, lifecycles and HTTP requests. */
export * from './arbitraries/index.js';
