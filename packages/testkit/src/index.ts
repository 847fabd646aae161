export * from './fakes.js';
export * from './arbitraries.js';
export * from './contract/index.js';
