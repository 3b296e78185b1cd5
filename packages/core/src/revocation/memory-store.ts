import { LRUCache } from 'lru-cache';
import { revocationKey, type RevocationStore } from './types.js';

export interface MemoryRevocationStoreOptions {
  /** Most revoked token ids and epochs kept each; the least recently used are dropped first. Default 100,000. */
  maxEntries?: number;
  /** Seconds an epoch is kept when `revokeSubject` gets no `retainFor`. Default 86,400 (one day). */
  epochRetention?: number;
  /** Current time in milliseconds since the Unix epoch. Default `Date.now`. */
  clock?: () => number;
}

/**
 * Creates a revocation store in this process's memory, for a single API instance and for tests. Several
 * instances behind a load balancer need a shared store such as `createRedisRevocationStore`,
 * because a token revoked on one instance must be rejected by all of them.
 */
export function createMemoryRevocationStore(options: MemoryRevocationStoreOptions = {}): RevocationStore {
  const max = options.maxEntries ?? 100_000;
  const clock = options.clock ?? Date.now;
  const defaultRetention = options.epochRetention ?? 86_400;
  // Values are expiry times in milliseconds, checked against the clock on every read.
  const revokedUntil = new LRUCache<string, number>({ max });
  const epochs = new LRUCache<string, { epoch: number; keepUntil: number }>({ max });

  return {
    async lookup({ issuer, subject, tokenId }) {
      const now = clock();
      const until = tokenId === undefined ? undefined : revokedUntil.get(revocationKey('jti', issuer, tokenId));
      const entry = subject === undefined ? undefined : epochs.get(revocationKey('sub', issuer, subject));

      return { revoked: until !== undefined && until > now, epoch: entry !== undefined && entry.keepUntil > now ? entry.epoch : undefined };
    },

    async revokeToken({ issuer, tokenId, expiresAt }) {
      revokedUntil.set(revocationKey('jti', issuer, tokenId), expiresAt * 1000);
    },

    async revokeSubject({ issuer, subject, epoch, retainFor }) {
      const now = clock();
      const value = epoch ?? now / 1000;
      epochs.set(revocationKey('sub', issuer, subject), { epoch: value, keepUntil: now + (retainFor ?? defaultRetention) * 1000 });
      return value;
    },
  };
}
