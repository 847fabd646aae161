export * from './fakes.js';
export * from './arbitraries.js';
export * from './contract/index.js';
export * from './conformance/index.js';
