import { CrossSiteRequestError } from './errors.js';
import type { HeaderReader } from './request-kind.js';

/** `Sec-Fetch-Site` values that a browser sends only for requests the application itself started. */
const SAME_ORIGIN_SITES = new Set(['same-origin', 'none']);

/**
 * Checks that an unsafe request whose token rides in a cookie comes from the application's own
 * origin, because browsers attach cookies to cross-site requests too (RFC 6750 §5.3). Returns a
 * CrossSiteRequestError, or undefined when the request may go on.
 *
 * `Sec-Fetch-Site` decides when the browser sent it. Otherwise `Origin` must name the request's
 * own host or an allowed origin. `Origin: null`, a malformed `Origin`, and a request with neither
 * header are rejected: their origin cannot be proven.
 */
export function checkSameOrigin(headers: HeaderReader, requestUrl: string, allowedOrigins: ReadonlySet<string>): CrossSiteRequestError | undefined {
  const origin = headers.get('origin');
  const site = headers.get('sec-fetch-site');

  if (origin !== null && allowedOrigins.has(origin)) return undefined;

  if (site !== null) {
    if (SAME_ORIGIN_SITES.has(site)) return undefined;
    return new CrossSiteRequestError(`A ${site} request cannot use the token cookie; send it from the application's own pages or in the Authorization header`);
  }

  if (origin === null) {
    return new CrossSiteRequestError('The request has neither Sec-Fetch-Site nor Origin, so its origin cannot be checked; send the token in the Authorization header');
  }

  const originHost = hostOf(origin);
  if (originHost === undefined) {
    return new CrossSiteRequestError('The Origin header is null or malformed, so the token cookie cannot be used; send the token in the Authorization header');
  }
  if (originHost === requestHost(headers, requestUrl)) return undefined;

  return new CrossSiteRequestError('The request comes from another origin and cannot use the token cookie; send the token in the Authorization header');
}

function hostOf(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url.host;
  } catch {
    return undefined;
  }
}

/**
 * The host the client addressed. Next.js rewrites `request.url` to `localhost` in some setups,
 * so the `Host` header (or the `X-Forwarded-Host` that Next.js and proxies set) comes first.
 * A page on another site cannot set either header on a victim's request.
 */
function requestHost(headers: HeaderReader, requestUrl: string): string {
  const forwarded = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  return forwarded || headers.get('host') || new URL(requestUrl).host;
}
