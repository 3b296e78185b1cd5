import express from 'express';
import { latchkey } from '@latchkey/express';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Rejects an unsafe request that carries cookies but was not sent by a page of `appOrigin`.
 * Browsers attach cookies to requests that other sites start, so a cookie alone proves nothing.
 */
export function sameOriginForCookies(appOrigin: string): express.RequestHandler {
  return (request, response, next) => {
    if (!unsafeMethods.has(request.method) || request.headers.cookie === undefined) return next();

    const site = request.get('sec-fetch-site');
    const origin = request.get('origin');
    const sameOrigin = site === undefined ? origin === appOrigin : site === 'same-origin';
    if (sameOrigin) return next();

    response.status(403).type('application/problem+json').json({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'A cross-site request cannot use the token cookie; send the token in the Authorization header',
      code: 'cross_site_request',
    });
  };
}

export const cookieApp = express();

cookieApp.use(sameOriginForCookies('http://127.0.0.1:3000'));
cookieApp.use(
  latchkey({
    issuer: 'http://127.0.0.1:3000',
    audience: 'urn:latchkey:example-api',
    jwksUri: 'http://127.0.0.1:3000/api/auth/jwks',
    cookieName: 'lk_at',
  }),
);

cookieApp.post('/items', (request, response) => {
  response.status(201).json({ createdBy: request.auth?.claims.sub });
});
