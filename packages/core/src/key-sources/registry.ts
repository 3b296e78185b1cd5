import { LRUCache } from 'lru-cache';
import { FetchLimiter } from './fetch-limiter.js';
import type { RemoteJwksSource, RemoteJwksSettings } from './remote-jwks.js';

// Verifiers built with the same issuer, key location and cache settings share one key cache per
// process, so an Express app, a Next.js proxy and its route handlers fetch keys once. Sources with
// a custom fetch, clock or event listener are never shared, because those belong to one caller.
const sharedSources = new LRUCache<string, RemoteJwksSource>({ max: 256 });

/** The process-wide fetch cap of shared key sources. */
let sharedLimiter: FetchLimiter | undefined;

/** Returns the fetch limiter of shared key sources, created with the first caller's cap. */
export function sharedFetchLimiter(maxPerMinute: number): FetchLimiter {
  sharedLimiter ??= new FetchLimiter(maxPerMinute, Date.now);
  return sharedLimiter;
}

/** Returns the process-wide source for these settings, creating it on first use. */
export function sharedRemoteJwksSource(key: string, create: () => RemoteJwksSource): RemoteJwksSource {
  let source = sharedSources.get(key);
  if (source === undefined) {
    source = create();
    sharedSources.set(key, source);
  }
  return source;
}

export type { RemoteJwksSettings };
