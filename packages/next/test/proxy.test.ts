import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NextLatchkey } from '@latchkey/next';
import {
  COOKIE,
  createAppLatchkey,
  DOCUMENT_HEADERS,
  forwardedRequestHeaders,
  type IssuerSetup,
  nextRequest,
  passedThrough,
  problemCode,
  startIssuerSetup,
} from './helpers.js';

let setup: IssuerSetup;
let auth: NextLatchkey;
let valid: string;
let expired: string;
let writer: string;

beforeAll(async () => {
  setup = await startIssuerSetup();
  auth = createAppLatchkey(setup, { subjectHeader: 'x-user-id' });
  valid = await setup.tokens.sign();
  expired = await setup.tokens.sign({ claims: { iat: Math.floor(Date.now() / 1000) - 600 }, expiresIn: -300 });
  writer = await setup.tokens.sign({ claims: { scope: 'read:items write:items' } });
});

afterAll(async () => {
  await setup.close();
});

beforeEach(() => {
  setup.issuer.resetCounts();
});

/** Checks the response of a request without valid credentials that must not be redirected. */
function expectChallenge(response: Response, error?: string): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(passedThrough(response)).toBe(false);

  const challenge = response.headers.get('www-authenticate');
  if (error === undefined) expect(challenge).toBe('Bearer realm="api"');
  else expect(challenge).toContain(`error="${error}"`);
}

describe('proxy: requests that must not be redirected', () => {
  it('answers a fetch to an API route with 401', async () => {
    const response = await auth.proxy(nextRequest('/api/items', { headers: { accept: 'application/json', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' } }));

    expectChallenge(response);
  });

  it('answers a form post to a page path with 401', async () => {
    const response = await auth.proxy(
      nextRequest('/dashboard', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-dest': 'empty' }, body: 'q=1' }),
    );

    expectChallenge(response);
  });

  it('answers a server action with 401', async () => {
    const headers = { 'next-action': '7f3a0c', accept: 'text/x-component', 'content-type': 'text/plain;charset=UTF-8' };
    const response = await auth.proxy(nextRequest('/dashboard', { method: 'POST', headers, body: '[]' }));

    expectChallenge(response);
  });

  it('answers an RSC navigation with 401', async () => {
    const headers = { rsc: '1', 'next-url': '/', 'next-router-state-tree': '%5B%22%22%5D' };

    expectChallenge(await auth.proxy(nextRequest('/dashboard', { headers })));
    expectChallenge(await auth.proxy(nextRequest('/dashboard', { headers: { ...headers, cookie: `${COOKIE}=${expired}` } })), 'invalid_token');
  });

  it('answers prefetches with 401', async () => {
    const prefetch = { rsc: '1', 'next-url': '/', 'next-router-state-tree': '%5B%22%22%5D', 'next-router-prefetch': '1' };
    const segmentPrefetch = { ...prefetch, 'next-router-segment-prefetch': '/dashboard/__PAGE__' };

    expectChallenge(await auth.proxy(nextRequest('/dashboard', { headers: prefetch })));
    expectChallenge(await auth.proxy(nextRequest('/dashboard.segments/dashboard/__PAGE__.segment.rsc', { headers: segmentPrefetch })));
    expectChallenge(await auth.proxy(nextRequest('/dashboard', { headers: { ...prefetch, cookie: `${COOKIE}=${expired}` } })), 'invalid_token');
  });

  it('answers an RSC request with 401 even when it accepts HTML', async () => {
    const response = await auth.proxy(nextRequest('/dashboard', { headers: { rsc: '1', accept: 'text/html' } }));

    expectChallenge(response);
  });

  it('answers a browser navigation to an API route with 401', async () => {
    const response = await auth.proxy(nextRequest('/api/items', { headers: DOCUMENT_HEADERS }));

    expectChallenge(response);
  });

  it('fetches no keys for requests without a token', async () => {
    await auth.proxy(nextRequest('/api/items'));
    await auth.proxy(nextRequest('/dashboard', { headers: DOCUMENT_HEADERS }));

    expect(setup.issuer.requests.jwks).toBe(0);
  });
});

describe('proxy: document navigations', () => {
  it('redirects a navigation to the sign-in page', async () => {
    const response = await auth.proxy(nextRequest('/dashboard', { headers: DOCUMENT_HEADERS }));

    expect(response.status).toBe(307);
    expect(new URL(response.headers.get('location') ?? '').pathname).toBe('/sign-in');
    expect(new URL(response.headers.get('location') ?? '').search).toBe('?returnTo=%2Fdashboard');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('redirects a HEAD navigation', async () => {
    const response = await auth.proxy(nextRequest('/dashboard', { method: 'HEAD', headers: DOCUMENT_HEADERS }));

    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toContain('returnTo=%2Fdashboard');
  });

  it('redirects a client without Fetch Metadata that accepts HTML', async () => {
    const response = await auth.proxy(nextRequest('/dashboard', { headers: { accept: 'text/html' } }));

    expect(response.status).toBe(307);
  });

  it('redirects a navigation with an expired cookie', async () => {
    const response = await auth.proxy(nextRequest('/dashboard', { headers: { ...DOCUMENT_HEADERS, cookie: `${COOKIE}=${expired}` } }));

    expect(response.status).toBe(307);
  });

  it('keeps the query in the return path', async () => {
    const response = await auth.proxy(nextRequest('/users/7?tab=keys', { headers: DOCUMENT_HEADERS }));

    expect(new URL(response.headers.get('location') ?? '').searchParams.get('returnTo')).toBe('/users/7?tab=keys');
  });

  it('keeps the return path on this site', async () => {
    const response = await auth.proxy(nextRequest('http://app.example.com//evil.example/x', { headers: DOCUMENT_HEADERS }));
    const location = new URL(response.headers.get('location') ?? '');

    expect(location.host).toBe('app.example.com');
    expect(location.searchParams.get('returnTo')).toBe('/evil.example/x');
  });

  it('answers a signed-in navigation without a scope with 403', async () => {
    const scoped = createAppLatchkey(setup, { scopeRules: [{ path: '/admin/*', scopes: 'admin' }] });
    const response = await scoped.proxy(nextRequest('/admin/users', { headers: { ...DOCUMENT_HEADERS, cookie: `${COOKIE}=${valid}` } }));

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe('scope_insufficient');
  });

  it('uses 303 when configured', async () => {
    const seeOther = createAppLatchkey(setup, { redirectStatus: 303 });
    const response = await seeOther.proxy(nextRequest('/dashboard', { headers: DOCUMENT_HEADERS }));

    expect(response.status).toBe(303);
  });

  it('redirects to an absolute sign-in URL', async () => {
    const external = createAppLatchkey(setup, { signInUrl: 'https://login.example.com/start' });
    const location = new URL((await external.proxy(nextRequest('/dashboard', { headers: DOCUMENT_HEADERS }))).headers.get('location') ?? '');

    expect(location.origin).toBe('https://login.example.com');
    expect(location.searchParams.get('returnTo')).toBe('/dashboard');
  });
});

describe('proxy: authenticated requests', () => {
  it('lets a valid cookie through and marks the response private', async () => {
    const response = await auth.proxy(nextRequest('/reports', { headers: { ...DOCUMENT_HEADERS, cookie: `${COOKIE}=${valid}` } }));

    expect(passedThrough(response)).toBe(true);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Authorization, Cookie');
  });

  it('lets a valid Authorization header through', async () => {
    const response = await auth.proxy(nextRequest('/api/items', { headers: { authorization: `Bearer ${valid}` } }));

    expect(passedThrough(response)).toBe(true);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('names only Authorization in Vary when the cookie is off', async () => {
    const headerOnly = createAppLatchkey(setup, { cookie: false });
    const response = await headerOnly.proxy(nextRequest('/api/items', { headers: { authorization: `Bearer ${valid}` } }));

    expect(response.headers.get('vary')).toBe('Authorization');
  });

  it('forwards the verified subject in place of a client copy', async () => {
    const response = await auth.proxy(nextRequest('/api/items', { headers: { authorization: `Bearer ${valid}`, 'x-user-id': 'admin' } }));

    expect(forwardedRequestHeaders(response)?.['x-user-id']).toBe('user-123');
  });

  it('enforces a scope rule for its method only', async () => {
    const post = (token: string) => auth.proxy(nextRequest('/api/items', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' }));

    expect((await post(valid)).status).toBe(403);
    expect(passedThrough(await post(writer))).toBe(true);
    expect(passedThrough(await auth.proxy(nextRequest('/api/items', { headers: { authorization: `Bearer ${valid}` } })))).toBe(true);
  });

  it('answers 503 without redirecting when keys are unavailable', async () => {
    const down = createAppLatchkey({ ...setup, options: { ...setup.options, jwksUri: 'http://127.0.0.1:9/jwks' } });
    const response = await down.proxy(nextRequest('/dashboard', { headers: { ...DOCUMENT_HEADERS, cookie: `${COOKIE}=${valid}` } }));

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });
});

describe('proxy: public paths', () => {
  it('lets public paths through without a token or key fetch', async () => {
    for (const path of ['/', '/sign-in', '/favicon.ico', '/_next/static/chunks/app-1a2b.js', '/_next/image']) {
      const response = await auth.proxy(nextRequest(path, { headers: DOCUMENT_HEADERS }));

      expect(passedThrough(response), path).toBe(true);
      expect(response.headers.get('cache-control'), path).toBeNull();
    }
    expect(setup.issuer.requests.jwks).toBe(0);
  });

  it('removes forwarded-identity headers sent by the client', async () => {
    const headers = { 'x-latchkey-claims': '{"sub":"admin"}', 'x-user-id': 'admin', 'x-other': 'kept' };
    const response = await auth.proxy(nextRequest('/', { headers }));
    const forwarded = forwardedRequestHeaders(response);

    expect(forwarded?.['x-latchkey-claims']).toBeUndefined();
    expect(forwarded?.['x-user-id']).toBeUndefined();
    expect(forwarded?.['x-other']).toBe('kept');
  });

  it('leaves the request alone when there is nothing to remove', async () => {
    const response = await auth.proxy(nextRequest('/', { headers: { accept: 'text/html' } }));

    expect(forwardedRequestHeaders(response)).toBeUndefined();
  });
});

describe('proxy: path shapes', () => {
  const anonymousFetch = { accept: '*/*', 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' };

  it.each([
    ['a dot in an API path', '/api/users/jane.doe'],
    ['a file extension on a page path', '/users/report.csv'],
    ['an RSC payload URL', '/dashboard.rsc'],
    ['a segment prefetch URL', '/dashboard.segments/dashboard/__PAGE__.segment.rsc'],
    ['a Pages Router data URL', '/_next/data/build-1/dashboard.json'],
    ['a locale data URL', '/_next/data/build-1/fr/dashboard.json'],
    ['a locale prefix', '/fr/dashboard'],
    ['a name starting with _next', '/_nextfoo'],
    ['a dot segment', '/_next/../dashboard'],
    ['an encoded dot segment', '/_next/static/%2e%2e/%2e%2e/dashboard'],
    ['an encoded slash', '/_next/static%2f..%2fdashboard'],
    ['a trailing slash', '/dashboard/'],
    ['a doubled slash', 'https://app.example.com//dashboard'],
    ['an encoded letter', '/d%61shboard'],
    ['a malformed escape', '/%E0%A4%A'],
  ])('protects %s', async (_name, path) => {
    const response = await auth.proxy(nextRequest(path, { headers: anonymousFetch }));

    expect(response.status).toBe(401);
    expect(passedThrough(response)).toBe(false);
  });

  it('redirects document navigations to those paths', async () => {
    for (const path of ['/users/report.csv', '/fr/dashboard', '/dashboard/']) {
      expect((await auth.proxy(nextRequest(path, { headers: DOCUMENT_HEADERS }))).status, path).toBe(307);
    }
  });

  it('treats a public page under a locale as public', async () => {
    const localized = createAppLatchkey(setup, { locales: ['en', 'fr'] });

    expect(passedThrough(await localized.proxy(nextRequest('/fr', { headers: DOCUMENT_HEADERS })))).toBe(true);
    expect((await localized.proxy(nextRequest('/fr/dashboard', { headers: DOCUMENT_HEADERS }))).status).toBe(307);
  });

  it('matches a scope rule on transport URLs of the page', async () => {
    const scoped = createAppLatchkey(setup, { scopeRules: [{ path: '/admin', scopes: 'admin' }] });
    const response = await scoped.proxy(nextRequest('/admin.rsc', { headers: { authorization: `Bearer ${valid}`, rsc: '1' } }));

    expect(response.status).toBe(403);
  });

  it('fetches no keys for any of them', async () => {
    await auth.proxy(nextRequest('/api/users/jane.doe'));
    await auth.proxy(nextRequest('/dashboard.rsc', { headers: { rsc: '1' } }));

    expect(setup.issuer.requests.jwks).toBe(0);
  });
});
