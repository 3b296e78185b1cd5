import { LRUCache } from 'lru-cache';
import { RemoteJwksSource, type RemoteJwksSettings } from './remote-jwks.js';

// Verifiers built with the same JWKS URL and cache settings share one key cache per process,
// so an Express app, a Next.js proxy and its route handlers fetch keys once. Sources with a
// custom fetch, clock or event listener are never shared, because those belong to one caller.
const sharedSources = new LRUCache<string, RemoteJwksSource>({ max: 256 });

/** Returns the process-wide source for these settings, creating it on first use. */
export function sharedRemoteJwksSource(settings: RemoteJwksSettings): RemoteJwksSource {
  const key = JSON.stringify([settings.url.href, settings.cache, settings.algorithms]);

  let source = sharedSources.get(key);
  if (source === undefined) {
    source = new RemoteJwksSource(settings);
    sharedSources.set(key, source);
  }
  return source;
}
