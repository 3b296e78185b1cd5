import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLatchkey } from '@latchkey/next';
import { COOKIE, type IssuerSetup, nextRequest, passedThrough, startIssuerSetup } from './helpers.js';

let setup: IssuerSetup;
let token: string;
let options: IssuerSetup['options'] & { publicPaths: string[] };

beforeAll(async () => {
  setup = await startIssuerSetup();
  token = await setup.tokens.sign();
  options = { ...setup.options, publicPaths: ['/'] };
});

afterAll(async () => {
  await setup.close();
});

beforeEach(() => {
  setup.issuer.resetCounts();
});

/** Loads a fresh copy of the adapter and of core, as a separate Next.js bundle has. */
async function loadSeparateCopy(): Promise<{ createLatchkey: typeof createLatchkey }> {
  vi.resetModules();
  return import('@latchkey/next');
}

describe('one key cache per process', () => {
  it('fetches keys once for proxy, route handler and server component', async () => {
    const proxy = createLatchkey(options).proxy;
    const GET = createLatchkey(options).withAuth(async () => Response.json({ ok: true }));
    const serverAuth = createLatchkey(options);

    const passed = await proxy(nextRequest('/dashboard', { headers: { cookie: `${COOKIE}=${token}` } }));
    const routed = await GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
    const identity = await serverAuth.authFromHeaders(new Headers({ cookie: `${COOKIE}=${token}` }));

    expect(passedThrough(passed)).toBe(true);
    expect(routed.status).toBe(200);
    expect(identity?.claims.sub).toBe('user-123');
    expect(setup.issuer.requests.jwks).toBe(1);
  });

  it('shares the verifier between separately loaded copies', async () => {
    const first = createLatchkey(options);
    const copy = await loadSeparateCopy();
    const second = copy.createLatchkey(options);

    expect(copy.createLatchkey).not.toBe(createLatchkey);
    expect(second.verifier).toBe(first.verifier);

    await first.authFromHeaders(new Headers({ authorization: `Bearer ${token}` }));
    await second.authFromHeaders(new Headers({ authorization: `Bearer ${token}` }));
    expect(setup.issuer.requests.jwks).toBeLessThanOrEqual(1);
  });

  it('renders failures of another copy completely', async () => {
    createLatchkey(options);
    const copy = await loadSeparateCopy();
    const scoped = copy.createLatchkey(options).withAuth(async () => new Response('ok'), { scopes: 'write:items' });

    const forbidden = await scoped(nextRequest('/api/items', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('scope="write:items"');

    const expired = await setup.tokens.preset('expired');
    const unauthorized = await scoped(nextRequest('/api/items', { headers: { authorization: `Bearer ${expired}` } }), { params: Promise.resolve({}) });
    expect(unauthorized.status).toBe(401);
  });

  it('renders an unavailable key source of another copy with Retry-After', async () => {
    const downOptions = { ...options, jwksUri: 'http://127.0.0.1:9/shared-cache-test' };
    createLatchkey(downOptions);
    const copy = await loadSeparateCopy();
    const GET = copy.createLatchkey(downOptions).withAuth(async () => new Response('ok'));

    const response = await GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
  });

  it('gives options with a custom fetch a verifier of their own', () => {
    const custom = { ...options, fetch: (input: URL | RequestInfo, init?: RequestInit) => fetch(input, init) };

    expect(createLatchkey(custom).verifier).not.toBe(createLatchkey(custom).verifier);
    expect(createLatchkey(options).verifier).toBe(createLatchkey(options).verifier);
  });
});
