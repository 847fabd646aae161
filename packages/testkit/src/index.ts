export * from './fakes.js';
export * from './arbitraries.js';
