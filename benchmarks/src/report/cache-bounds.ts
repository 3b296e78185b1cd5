import { createVerifier } from '@latchkey/core';

/**
 * Reads the cache settings from a verifier's resolved configuration: every setting whose path
 * names a cache, flattened to dotted paths such as `jwksCache.maxAge`.
 */
export function latchkeyCacheBounds(): Record<string, unknown> {
  const verifier = createVerifier({ issuer: 'http://127.0.0.1:9/', audience: 'bench', jwksUri: 'http://127.0.0.1:9/jwks.json' });
  const flat: Record<string, unknown> = {};

  flatten(verifier.config, '', flat);

  return Object.fromEntries(Object.entries(flat).filter(([path]) => /cache/i.test(path)));
}

function flatten(value: unknown, path: string, into: Record<string, unknown>, depth = 0): void {
  if (typeof value === 'function' || depth > 4) {
    return;
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (path !== '') {
      into[path] = value;
    }
    return;
  }

  for (const [key, child] of Object.entries(value)) {
    flatten(child, path === '' ? key : `${path}.${key}`, into, depth + 1);
  }
}

/** A numeric cache setting, such as `tokenCacheEntries = 5000`. */
export interface CacheBound {
  path: string;
  value: number;
}

/** Returns the verified-token cache entry limits at least as large as the stream, which would let the stream hit the cache. */
export function cacheBoundsCoveringStream(bounds: Record<string, unknown>, streamLength: number): CacheBound[] {
  return Object.entries(bounds)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .filter(([path, value]) => /token|verified|result/i.test(path) && /max|size|entries|capacity/i.test(path) && value >= streamLength)
    .map(([path, value]) => ({ path, value }));
}
