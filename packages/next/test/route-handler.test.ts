import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NextLatchkey } from '@latchkey/next';
import { COOKIE, createAppLatchkey, type IssuerSetup, nextRequest, problemCode, startIssuerSetup } from './helpers.js';

let setup: IssuerSetup;
let auth: NextLatchkey;
let writer: string;
let otherUser: string;
let handlerRuns = 0;

const context = { params: Promise.resolve({}) };

beforeAll(async () => {
  setup = await startIssuerSetup();
  auth = createAppLatchkey(setup, { allowedOrigins: ['https://partner.example.com'] });
  writer = await setup.tokens.sign({ claims: { scope: 'read:items write:items' } });
  otherUser = await setup.tokens.sign({ claims: { sub: 'user-2', scope: 'read:items write:items' } });
});

afterAll(async () => {
  await setup.close();
});

beforeEach(() => {
  handlerRuns = 0;
  setup.issuer.resetCounts();
});

function itemsRoute() {
  const GET = auth.withAuth(async (_request, { auth: user }) => {
    handlerRuns++;
    return Response.json({ sub: user.claims.sub });
  });
  const POST = auth.withAuth(
    async (_request, { auth: user }) => {
      handlerRuns++;
      return Response.json({ sub: user.claims.sub }, { status: 201 });
    },
    { scopes: 'write:items' },
  );
  return { GET, POST };
}

function postItems(headers: Record<string, string>): Promise<Response> {
  return itemsRoute().POST(nextRequest('/api/items', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' }), context);
}

describe('withAuth without the proxy', () => {
  it('answers a request without a token with a bare challenge', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/users/jane.doe'), context);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(handlerRuns).toBe(0);
  });

  it('ignores a middleware subrequest header', async () => {
    const subrequest = ['middleware:middleware:middleware:middleware:middleware', 'src/middleware:src/middleware:src/middleware:src/middleware:src/middleware'];
    for (const value of subrequest) {
      const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { 'x-middleware-subrequest': value } }), context);
      expect(response.status).toBe(401);
    }
    expect(handlerRuns).toBe(0);
  });

  it('ignores identity headers a client sends', async () => {
    const headers = { 'x-latchkey-claims': '{"sub":"admin"}', 'x-latchkey-sub': 'admin', 'x-user-id': 'admin' };
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers }), context);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('protects every spelling of the path', async () => {
    for (const path of ['/api/items/', 'https://app.example.com//api/items', '/api/%69tems', '/api/items.json']) {
      expect((await itemsRoute().GET(nextRequest(path), context)).status, path).toBe(401);
    }
    expect(setup.issuer.requests.jwks).toBe(0);
  });

  it('passes typed claims to the handler', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${writer}` } }), context);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'user-123' });
  });

  it('passes route params through', async () => {
    const GET = auth.withAuth<{ params: Promise<{ id: string }> }>(async (_request, { params }) => Response.json(await params));
    const response = await GET(nextRequest('/api/users/7', { headers: { authorization: `Bearer ${writer}` } }), { params: Promise.resolve({ id: '7' }) });

    expect(await response.json()).toEqual({ id: '7' });
  });

  it('never redirects a document navigation', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } }), context);

    expect(response.status).toBe(401);
    expect(response.headers.get('location')).toBeNull();
  });

  it('lets an anonymous request through when optional', async () => {
    const GET = auth.withAuth(async (_request, { auth: user }) => Response.json({ sub: user?.claims.sub ?? null }), { optional: true });

    expect(await (await GET(nextRequest('/api/feed'), context)).json()).toEqual({ sub: null });
    expect((await GET(nextRequest('/api/feed', { headers: { authorization: 'Bearer abc.def' } }), context)).status).toBe(401);
  });

  it('rejects scopes together with optional', () => {
    expect(() => auth.withAuth(async () => new Response(), { optional: true, scopes: 'a' } as never)).toThrow(/optional/);
  });
});

describe('withAuth response headers', () => {
  it('marks a success private and varies it on credentials', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${writer}` } }), context);

    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Authorization, Cookie');
  });

  it('replaces a shared-cache Cache-Control', async () => {
    const GET = auth.withAuth(async () => new Response('x', { headers: { 'cache-control': 'public, s-maxage=31536000', vary: 'Accept' } }));
    const response = await GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${writer}` } }), context);

    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('vary')).toBe('Accept, Authorization, Cookie');
  });

  it('keeps a private Cache-Control the handler chose', async () => {
    const GET = auth.withAuth(async () => new Response('x', { headers: { 'cache-control': 'private, max-age=60' } }));
    const response = await GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${writer}` } }), context);

    expect(response.headers.get('cache-control')).toBe('private, max-age=60');
  });

  it('copies a response whose headers are immutable', async () => {
    const GET = auth.withAuth(async () => Response.redirect('https://app.example.com/items', 302));
    const response = await GET(nextRequest('/api/items', { headers: { authorization: `Bearer ${writer}` } }), context);

    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });

  it('marks failures no-store and varies them on credentials', async () => {
    for (const response of [await itemsRoute().GET(nextRequest('/api/items'), context), await postItems({ cookie: `${COOKIE}=${writer}`, origin: 'null' })]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('vary')).toBe('Authorization, Cookie');
    }
  });
});

describe('withAuth: cookie-carried tokens on unsafe requests', () => {
  const cookie = () => `${COOKIE}=${writer}`;

  it.each([
    ['a cross-site request', { origin: 'https://attacker.example.net', 'sec-fetch-site': 'cross-site' }],
    ['Origin null', { origin: 'null' }],
    ['a malformed Origin', { origin: '%%%' }],
    ['no Origin and no Sec-Fetch-Site', {}],
    ['a same-site sibling', { origin: 'https://evil.example.com', 'sec-fetch-site': 'same-site' }],
    ['another Origin without Fetch Metadata', { origin: 'https://attacker.example.net' }],
  ])('rejects %s with 403', async (_name, headers: Record<string, string>) => {
    const response = await postItems({ cookie: cookie(), ...headers });

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe('cross_site_request');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(handlerRuns).toBe(0);
    expect(setup.issuer.requests.jwks).toBe(0);
  });

  it('accepts a same-origin request', async () => {
    const response = await postItems({ cookie: cookie(), origin: 'https://app.example.com', 'sec-fetch-site': 'same-origin' });

    expect(response.status).toBe(201);
  });

  it('accepts a same-host Origin without Fetch Metadata', async () => {
    const response = await postItems({ cookie: cookie(), origin: 'https://app.example.com' });

    expect(response.status).toBe(201);
  });

  it('accepts an allowed origin', async () => {
    const response = await postItems({ cookie: cookie(), origin: 'https://partner.example.com', 'sec-fetch-site': 'cross-site' });

    expect(response.status).toBe(201);
  });

  it('accepts a cross-site GET, which must not change state', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { cookie: cookie(), 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } }), context);

    expect(response.status).toBe(200);
  });

  it('applies no origin check to a header token', async () => {
    const response = await postItems({ authorization: `Bearer ${writer}`, origin: 'https://attacker.example.net', 'sec-fetch-site': 'cross-site' });

    expect(response.status).toBe(201);
  });
});

describe('withAuth: cookie and header together', () => {
  it('accepts the same token in both', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { cookie: `${COOKIE}=${writer}`, authorization: `Bearer ${writer}` } }), context);

    expect(response.status).toBe(200);
  });

  it('rejects two different tokens with 400', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { cookie: `${COOKIE}=${writer}`, authorization: `Bearer ${otherUser}` } }), context);

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe('credentials_multiple');
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('rejects the same cookie twice with 400', async () => {
    const response = await itemsRoute().GET(nextRequest('/api/items', { headers: { cookie: `${COOKIE}=${writer}; ${COOKIE}=${otherUser}` } }), context);

    expect(response.status).toBe(400);
  });
});
