import { withTimeout } from './timeout.js';
import { revocationKey, type RevocationStore } from './types.js';

/**
 * The commands the Redis store needs, as the `redis` package (node-redis 4 and 5) names them.
 * For ioredis, pass `{ mGet: (keys) => client.mget(...keys), set: (key, value, { PX }) => client.set(key, value, 'PX', PX) }`.
 */
export interface RedisCommands {
  mGet(keys: string[]): Promise<ReadonlyArray<string | null | undefined | unknown>>;
  set(key: string, value: string, options: { PX: number }): Promise<unknown>;
}

export interface RedisRevocationStoreOptions {
  client: RedisCommands;
  /** Prefix of every key. Default `latchkey:revocation:`. */
  prefix?: string;
  /** Seconds an epoch is kept when `revokeSubject` gets no `retainFor`. Default 86,400 (one day). */
  epochRetention?: number;
  /** Seconds one Redis command may take before it fails. Default 0.5, so a hung server never blocks a request or a sign-out. */
  commandTimeout?: number;
  /** Current time in milliseconds since the Unix epoch. Default `Date.now`. */
  clock?: () => number;
}

/**
 * Creates a revocation store in Redis, shared by every API instance. A lookup is one `MGET` of the
 * token id and the subject's epoch. Entries expire with the token or after the epoch's retention,
 * so the data set stays bounded. Errors of the client are passed on, never hidden.
 */
export function createRedisRevocationStore(options: RedisRevocationStoreOptions): RevocationStore {
  const { client } = options;
  const prefix = options.prefix ?? 'latchkey:revocation:';
  const clock = options.clock ?? Date.now;
  const defaultRetention = options.epochRetention ?? 86_400;
  const timeoutMs = (options.commandTimeout ?? 0.5) * 1000;
  const mGet = (keys: string[]) => withTimeout(client.mGet(keys), timeoutMs, 'Redis MGET');
  const set = (key: string, value: string, ttlMs: number) => withTimeout(client.set(key, value, { PX: ttlMs }), timeoutMs, 'Redis SET');

  return {
    async lookup({ issuer, subject, tokenId }) {
      const keys = [prefix + revocationKey('jti', issuer, tokenId ?? ''), prefix + revocationKey('sub', issuer, subject ?? '')];
      const [revoked, epoch] = await mGet(keys);

      return {
        revoked: tokenId !== undefined && typeof revoked === 'string',
        epoch: subject !== undefined && typeof epoch === 'string' ? Number(epoch) : undefined,
      };
    },

    async revokeToken({ issuer, tokenId, expiresAt }) {
      const ttl = Math.ceil(expiresAt * 1000 - clock());
      if (ttl <= 0) return;
      await set(prefix + revocationKey('jti', issuer, tokenId), '1', ttl);
    },

    async revokeSubject({ issuer, subject, epoch, retainFor }) {
      const value = epoch ?? clock() / 1000;
      await set(prefix + revocationKey('sub', issuer, subject), String(value), Math.ceil((retainFor ?? defaultRetention) * 1000));
      return value;
    },
  };
}
