/** Bounds of a key set's cache lifetime, in milliseconds. */
export interface LifetimeBounds {
  /** Lifetime when the response has no usable caching headers. */
  fallback: number;
  min: number;
  max: number;
}

/**
 * Computes how long a fetched key set may be used, from the response's `Cache-Control` max-age
 * (RFC 9111 §5.2.2.1) or else its `Expires` relative to `Date`, clamped to the bounds.
 * `no-store` and `no-cache` give the minimum, so a key set is never fetched on every request.
 */
export function cacheLifetime(headers: Headers, bounds: LifetimeBounds): number {
  const requested = lifetimeFromCacheControl(headers.get('cache-control')) ?? lifetimeFromExpires(headers);
  if (requested === undefined) return bounds.fallback;
  return Math.min(bounds.max, Math.max(bounds.min, requested));
}

function lifetimeFromCacheControl(value: string | null): number | undefined {
  if (value === null) return undefined;

  let maxAge: number | undefined;
  for (const directive of value.toLowerCase().split(',')) {
    const [name = '', argument] = directive.trim().split('=', 2);
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && argument !== undefined) {
      const seconds = Number(argument.replace(/^"|"$/g, ''));
      if (Number.isInteger(seconds) && seconds >= 0) maxAge = seconds * 1000;
    }
  }
  return maxAge;
}

function lifetimeFromExpires(headers: Headers): number | undefined {
  const expires = headers.get('expires');
  if (expires === null) return undefined;

  const expiresAt = Date.parse(expires);
  // RFC 9111 §5.3: an invalid date, such as "0", means already expired.
  if (Number.isNaN(expiresAt)) return 0;

  const date = Date.parse(headers.get('date') ?? '');
  const reference = Number.isNaN(date) ? Date.now() : date;
  return Math.max(0, expiresAt - reference);
}
