import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevelopmentIssuer, signUserToken, startDevelopmentIssuer } from '../scripts/local-issuer.js';
import { buildVariant, type NextServer, packagesBuilt, startVariant, type Variant } from './next-server.js';
import { type RawResponse, rawGet } from './raw-request.js';
import { startSharedCache, type TestSharedCache } from './shared-cache.js';

const BUILD_TIMEOUT = 8 * 60_000;
const START_TIMEOUT = 60_000;
const TEST_TIMEOUT = 60_000;
const COOKIE = '__Host-lk_at';

// A valid configuration for `next build`, which loads route modules. The servers get real values.
const BUILD_ENV = { LATCHKEY_ISSUER: 'http://127.0.0.1:9', LATCHKEY_AUDIENCE: 'https://api.example.com', LATCHKEY_JWKS_URI: 'http://127.0.0.1:9/jwks' };

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let browser: Browser;
let profile: string;

beforeAll(async () => {
  if (!packagesBuilt()) throw new Error('packages/core/dist or packages/next/dist is missing: run "pnpm build" before the end-to-end test.');

  profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, `--crash-dumps-dir=${profile}`] });
}, START_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
});

const documentHeaders = { accept: 'text/html', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

describe.each(['proxy', 'middleware'] as const)('example app with %s.ts', (variant: Variant) => {
  let issuer: DevelopmentIssuer;
  let server: NextServer;
  let token: string;
  let readerToken: string;
  let context: BrowserContext;

  beforeAll(async () => {
    issuer = await startDevelopmentIssuer();
    const folder = await buildVariant(variant, BUILD_ENV, BUILD_TIMEOUT);
    server = await startVariant(folder, issuer.env, START_TIMEOUT);
    token = await signUserToken(issuer.tokens);
    readerToken = await signUserToken(issuer.tokens, 'read:items');
  }, BUILD_TIMEOUT + START_TIMEOUT);

  afterAll(async () => {
    await context?.close();
    server?.stop();
    await issuer?.close();
  });

  async function signedInContext(): Promise<BrowserContext> {
    context = await browser.newContext();
    await context.addCookies([{ name: COOKIE, value: token, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Lax' }]);
    return context;
  }

  function get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return rawGet(`${server.url}${path}`, headers);
  }

  it('redirects a browser without a cookie to the sign-in page', async () => {
    const page = await (await browser.newContext()).newPage();
    const response = await page.goto(`${server.url}/dashboard`);

    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe('/dashboard');
    expect(response?.request().redirectedFrom()?.url()).toBe(`${server.url}/dashboard`);
    await page.context().close();
  }, TEST_TIMEOUT);

  it('sends the redirect as 307 with no-store', async () => {
    const response = await get('/dashboard', documentHeaders);

    expect(response.status).toBe(307);
    expect(response.header('location')).toBe('/sign-in?returnTo=%2Fdashboard');
    expect(response.header('cache-control')).toBe('no-store');
  }, TEST_TIMEOUT);

  it('shows the claims page with a valid cookie', async () => {
    const page = await (await signedInContext()).newPage();
    await page.goto(`${server.url}/dashboard`);

    expect(await page.textContent('#subject')).toBe('user-123');
    expect(JSON.parse((await page.textContent('#claims')) ?? '{}')).toMatchObject({ sub: 'user-123', email: 'user@example.com', scope: 'read:items write:items' });
    await context.close();
  }, TEST_TIMEOUT);

  it('answers the API with the contract responses', async () => {
    const api = (await browser.newContext()).request;

    const missing = await api.get(`${server.url}/api/items`);
    expect(missing.status()).toBe(401);
    expect(missing.headers()['www-authenticate']).toBe('Bearer realm="api"');
    expect(missing.headers()['content-type']).toBe('application/problem+json');
    expect(missing.headers()['cache-control']).toBe('no-store');
    expect(await missing.json()).toMatchObject({ status: 401, code: 'credentials_missing' });

    const listed = await api.get(`${server.url}/api/items`, { headers: { authorization: `Bearer ${readerToken}` } });
    expect(listed.status()).toBe(200);
    expect(await listed.json()).toMatchObject({ requestedBy: 'user-123' });
    expect(listed.headers()['cache-control']).toBe('private, no-store');

    const forbidden = await api.post(`${server.url}/api/items`, { headers: { authorization: `Bearer ${readerToken}` }, data: { name: 'Lamp' } });
    expect(forbidden.status()).toBe(403);
    expect(forbidden.headers()['www-authenticate']).toContain('error="insufficient_scope"');
    expect(forbidden.headers()['www-authenticate']).toContain('scope="write:items"');

    const created = await api.post(`${server.url}/api/items`, { headers: { authorization: `Bearer ${token}` }, data: { name: 'Lamp' } });
    expect(created.status()).toBe(201);

    const expired = await api.get(`${server.url}/api/items`, { headers: { authorization: `Bearer ${await issuer.tokens.preset('expired')}` } });
    expect(expired.status()).toBe(401);
    expect(expired.headers()['www-authenticate']).toContain('error="invalid_token"');

    const twoTokens = await api.get(`${server.url}/api/items`, { headers: { authorization: `Bearer ${token}`, cookie: `${COOKIE}=${readerToken}` } });
    expect(twoTokens.status()).toBe(400);
  }, TEST_TIMEOUT);

  it('rejects a cross-site cookie POST and accepts a same-origin one', async () => {
    const page = await (await signedInContext()).newPage();
    await page.goto(`${server.url}/`);

    const sameOrigin = await page.evaluate(async () => (await fetch('/api/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Lamp"}' })).status);
    expect(sameOrigin).toBe(201);

    const unproven = await context.request.post(`${server.url}/api/items`, { data: { name: 'Lamp' } });
    expect(unproven.status()).toBe(403);
    expect(await unproven.json()).toMatchObject({ code: 'cross_site_request' });

    const crossSite = await context.request.post(`${server.url}/api/items`, { data: {}, headers: { origin: 'https://attacker.example.net', 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status()).toBe(403);
    await context.close();
  }, TEST_TIMEOUT);

  it('signs in from a second tab, then the prefetched link opens the dashboard', async () => {
    context = await browser.newContext();
    const signInVisits: string[] = [];
    context.on('request', (request) => {
      if (request.isNavigationRequest() && new URL(request.url()).pathname === '/sign-in') signInVisits.push(request.url());
    });

    const first = await context.newPage();
    await first.goto(`${server.url}/`);
    const prefetch = first.waitForResponse((response) => new URL(response.url()).pathname.startsWith('/dashboard'), { timeout: 10_000 }).catch(() => undefined);
    await first.hover('#dashboard-link');
    await prefetch;

    const second = await context.newPage();
    await second.goto(`${server.url}/sign-in?returnTo=%2Fdashboard`);
    await Promise.all([second.waitForURL(`${server.url}/dashboard`), second.click('#sign-in')]);
    expect(await second.textContent('#subject')).toBe('user-123');

    await first.click('#dashboard-link');
    await first.waitForSelector('#claims');
    expect(new URL(first.url()).pathname).toBe('/dashboard');
    expect(signInVisits).toHaveLength(1);

    const cookie = (await context.cookies()).find((entry) => entry.name === COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.value.length).toBeLessThan(1024);
    await context.close();
  }, TEST_TIMEOUT);

  it('keeps a prerendered protected page out of a shared cache', async () => {
    const cache: TestSharedCache = await startSharedCache(server.url);
    try {
      const withHeader = await rawGet(`${cache.url}/reports`, { authorization: `Bearer ${token}` });
      expect(withHeader.status).toBe(200);
      expect(withHeader.header('cache-control')).toBe('private, no-store');
      expect(withHeader.body).toContain('reports-marker');

      const anonymous = await rawGet(`${cache.url}/reports`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).not.toContain('reports-marker');

      const withCookie = await rawGet(`${cache.url}/reports`, { cookie: `${COOKIE}=${token}` });
      expect(withCookie.header('cache-control')).toBe('private, no-store');

      const anonymousDocument = await rawGet(`${cache.url}/reports`, documentHeaders);
      expect(anonymousDocument.status).toBe(307);
      expect(anonymousDocument.body).not.toContain('reports-marker');
      expect([...cache.entries.keys()].filter((key) => key.includes('/reports'))).toEqual([]);
    } finally {
      await cache.close();
    }
  }, TEST_TIMEOUT);

  it('protects every path shape of a protected page', async () => {
    const home = (await get('/')).body;
    const chunk = /\/_next\/static\/[^"]+\.js/.exec(home)?.[0];
    expect(chunk).toBeDefined();
    expect((await get(chunk as string)).status).toBe(200);
    expect((await get('/favicon.ico')).status).toBe(200);

    expect((await get('/api/users/jane.doe')).status).toBe(401);
    expect((await get('/users/report.csv', documentHeaders)).status).toBe(307);
    for (const path of ['/dashboard.rsc', '/dashboard.segments/dashboard/__PAGE__.segment.rsc', '/_next/data/build/dashboard.json', '/_nextfoo', '/_next/../dashboard', '/%72eports']) {
      const response = await get(path, { rsc: '1' });
      expect([401, 404], path).toContain(response.status);
      expect(response.body, path).not.toContain('reports-marker');
    }

    // Next.js itself responds to a trailing slash with a redirect to the canonical path, before the proxy.
    const trailingSlash = await get('/reports/', { rsc: '1' });
    expect(trailingSlash.status).toBe(308);
    expect(trailingSlash.header('location')).toBe('/reports');
    expect(trailingSlash.body).not.toContain('reports-marker');
  }, TEST_TIMEOUT);

  it('ignores headers that claim the proxy already ran', async () => {
    const subrequest = await get('/api/items', { 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' });
    expect(subrequest.status).toBe(401);

    const forged = await get('/api/items', { 'x-latchkey-claims': '{"sub":"admin"}', 'x-latchkey-sub': 'admin' });
    expect(forged.status).toBe(401);
    expect(forged.header('www-authenticate')).toBe('Bearer realm="api"');
  }, TEST_TIMEOUT);

  it('fetches the key set once per runtime', async () => {
    // The Node.js proxy shares one key cache with the route handlers and server components;
    // Edge middleware runs in a separate runtime with its own cache.
    expect(issuer.issuer.requests.jwks).toBe(variant === 'proxy' ? 1 : 2);
  });
});
