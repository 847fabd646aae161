export * from './fakes.js';
export * from './arbitraries.js';
export * from './contract/index.js';
export * from './model/lifecycle-model.js';
