export * from './primitives.js';
export * from './records.js';
export * from './lifecycle.js';
export * from './http.js';
