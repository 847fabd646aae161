export { createMemoryStore } from './memory-store.js';
export type { MemoryStore, MemoryStoreOptions, MemoryStoreStats } from './memory-store.js';
