export { createMemoryStore } from './memory-store.js';
export type { MemoryStore, MemoryStoreOptions, MemoryStoreStats } from './memory-store.js';
export { createMemoryLoginThrottle } from './login-throttle.js';
export type { MemoryLoginThrottle, MemoryLoginThrottleOptions } from './login-throttle.js';
