import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Methods and request headers that a page may use. `Authorization` carries the bearer token. */
const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'Authorization, Content-Type';

/**
 * Response headers that a page may read. The client reads the challenge to tell an expired token
 * from a missing scope, and `Retry-After` to wait after a 503.
 */
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After';

/** Seconds a browser may reuse a preflight response. */
const PREFLIGHT_MAX_AGE = '600';

/**
 * Wraps a Node.js request listener with CORS for the given page origins. It responds to preflight
 * requests itself, because they never carry the token and must not reach authentication. Tokens
 * travel in the `Authorization` header, not in cookies, so credentials stay disallowed.
 */
export function withCors(listener: RequestListener, allowedOrigins: readonly string[]): RequestListener {
  const allowed = new Set(allowedOrigins);

  return (request: IncomingMessage, response: ServerResponse) => {
    const origin = request.headers.origin;
    const isAllowed = origin !== undefined && allowed.has(origin);
    response.setHeader('Vary', 'Origin');
    if (isAllowed) response.setHeader('Access-Control-Allow-Origin', origin);

    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      respondToPreflight(response, isAllowed);
      return;
    }

    if (isAllowed) response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    listener(request, response);
  };
}

/** Responds to a preflight. One from another origin gets no CORS headers, so the browser blocks the request. */
function respondToPreflight(response: ServerResponse, isAllowed: boolean): void {
  if (isAllowed) {
    response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    response.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
  }
  response.writeHead(204).end();
}
