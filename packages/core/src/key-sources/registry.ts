import { LRUCache } from 'lru-cache';
import { FetchLimiter } from './fetch-limiter.js';
import type { RemoteJwksSource, RemoteJwksSettings } from './remote-jwks.js';

// Verifiers built with the same issuer, key location and cache settings share one key cache per
// process, so an Express app, a Next.js proxy and its route handlers fetch keys once. Sources with
// a custom fetch, clock or event listener are never shared, because those belong to one caller.
// The registry lives on globalThis, because bundlers such as Next.js give the proxy, route handlers
// and pages copies of their own of this module, and they must still share one cache.
interface Registry {
  sources: LRUCache<string, RemoteJwksSource>;
  limiter: FetchLimiter | undefined;
}

const REGISTRY_KEY = Symbol.for('@latchkey/core.key-sources');

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  holder[REGISTRY_KEY] ??= { sources: new LRUCache<string, RemoteJwksSource>({ max: 256 }), limiter: undefined };
  return holder[REGISTRY_KEY];
}

/** Returns the fetch limiter of shared key sources, created with the first caller's cap. */
export function sharedFetchLimiter(maxPerMinute: number): FetchLimiter {
  const shared = registry();
  shared.limiter ??= new FetchLimiter(maxPerMinute, Date.now);
  return shared.limiter;
}

/** Returns the process-wide source for these settings, creating it on first use. */
export function sharedRemoteJwksSource(key: string, create: () => RemoteJwksSource): RemoteJwksSource {
  const { sources } = registry();
  let source = sources.get(key);
  if (source === undefined) {
    source = create();
    sources.set(key, source);
  }
  return source;
}

export type { RemoteJwksSettings };
