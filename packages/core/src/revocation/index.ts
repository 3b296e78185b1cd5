export { createMemoryRevocationStore, type MemoryRevocationStoreOptions } from './memory-store.js';
export { createRedisRevocationStore, type RedisCommands, type RedisRevocationStoreOptions } from './redis-store.js';
export type { RevocationOptions, RevocationQuery, RevocationState, RevocationStore } from './types.js';
