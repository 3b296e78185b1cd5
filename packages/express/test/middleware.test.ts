import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, createVerifier, isLatchkeyError, type LatchkeyError } from '@latchkey/core';
import { latchkey, latchkeyErrorHandler, requireClaims, requireScopes } from '@latchkey/express';
import { createTokenFactory, generateTestKeys, startIssuer, type LocalIssuer, type TokenFactory } from '@latchkey/test-fixtures';

const AUDIENCE = 'https://api.example.com';

let issuer: LocalIssuer;
let tokens: TokenFactory;
const servers: Server[] = [];

beforeAll(async () => {
  const keys = await generateTestKeys();
  issuer = await startIssuer({ keys: [keys.rsa] });
  tokens = createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key: keys.rsa });
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await issuer.close();
});

beforeEach(() => {
  issuer.resetCounts();
});

function options() {
  return { issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri };
}

async function serve(app: express.Express): Promise<string> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    servers.push(server);
  });
}

function get(url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return fetch(url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } });
}

function whoAmI(request: express.Request, response: express.Response): void {
  response.json({ sub: request.auth?.claims.sub ?? null, scopes: request.auth?.scopes ?? [] });
}

describe('latchkey middleware', () => {
  it('fetches the JWKS once for 50 concurrent cold requests', async () => {
    const app = express();
    app.get('/me', latchkey(options()), whoAmI);
    const url = await serve(app);
    const token = await tokens.sign();

    const responses = await Promise.all(Array.from({ length: 50 }, () => get(`${url}/me`, token)));

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(issuer.requests.jwks).toBe(1);
  });

  it('sets req.auth with claims, header and scopes', async () => {
    const app = express();
    app.get('/auth', latchkey(options()), (request, response) => {
      response.json({ sub: request.auth?.claims.sub, kid: request.auth?.header.kid, scopes: request.auth?.scopes, location: request.auth?.location });
    });
    const url = await serve(app);

    const body = await (await get(`${url}/auth`, await tokens.sign({ claims: { scope: 'a b' } }))).json();

    expect(body).toEqual({ sub: 'user-123', kid: tokens.key.kid, scopes: ['a', 'b'], location: 'header' });
  });

  it('does not run the handler for a rejected request', async () => {
    let runs = 0;
    const app = express();
    app.get('/me', latchkey(options()), (_request, response) => {
      runs++;
      response.end();
    });
    const url = await serve(app);

    expect((await get(`${url}/me`, await tokens.preset('expired'))).status).toBe(401);
    expect(runs).toBe(0);
  });

  it('answers HEAD requests with the status and headers', async () => {
    const app = express();
    app.head('/me', latchkey(options()), whoAmI);
    const url = await serve(app);

    const response = await get(`${url}/me`, undefined, { method: 'HEAD' });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('uses the configured realm in every challenge', async () => {
    const app = express();
    app.get('/scoped', latchkey({ ...options(), realm: 'orders' }), requireScopes('write:items'), whoAmI);
    const url = await serve(app);

    expect((await get(`${url}/scoped`)).headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    expect((await get(`${url}/scoped`, await tokens.sign())).headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
  });

  it('keeps its response when the app has an error handler', async () => {
    const app = express();
    app.get('/me', latchkey(options()), whoAmI);
    const failAll: ErrorRequestHandler = (_error, _request, response) => {
      response.status(500).send('boom');
    };
    app.use(failAll);
    const url = await serve(app);

    expect((await get(`${url}/me`, 'not.a.token')).status).toBe(401);
  });

  it('shares one verifier between middleware instances', async () => {
    const verifier = createVerifier(options());
    const app = express();
    app.get('/a', latchkey({ verifier }), whoAmI);
    app.get('/b', latchkey({ verifier }), whoAmI);
    const url = await serve(app);
    const token = await tokens.sign();

    expect((await get(`${url}/a`, token)).status).toBe(200);
    expect((await get(`${url}/b`, token)).status).toBe(200);
    expect(issuer.requests.jwks).toBeLessThanOrEqual(1);
  });
});

describe('optional authentication', () => {
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.get('/feed', latchkey({ ...options(), optional: true }), whoAmI);
    url = await serve(app);
  });

  it('lets a request without credentials through as anonymous', async () => {
    const response = await get(`${url}/feed`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: null, scopes: [] });
  });

  it('sets req.auth for a valid token', async () => {
    expect(await (await get(`${url}/feed`, await tokens.sign())).json()).toEqual({ sub: 'user-123', scopes: ['read:items'] });
  });

  it.each(['expired', 'tampered', 'algNone', 'wrongAudience'] as const)('still rejects the %s token', async (preset) => {
    const response = await get(`${url}/feed`, await tokens.preset(preset));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('still rejects a malformed header', async () => {
    expect((await fetch(`${url}/feed`, { headers: { authorization: 'Bearer' } })).status).toBe(400);
  });
});

describe('failures passed to next', () => {
  it('hands the LatchkeyError to the app error handler', async () => {
    const seen: LatchkeyError[] = [];
    const app = express();
    app.get('/me', latchkey({ ...options(), onFailure: 'next' }), whoAmI);
    const record: ErrorRequestHandler = (error, _request, response, _next) => {
      if (isLatchkeyError(error)) seen.push(error);
      response.status(418).end();
    };
    app.use(record);
    const url = await serve(app);

    expect((await get(`${url}/me`, await tokens.preset('expired'))).status).toBe(418);
    expect(seen.map((error) => error.code)).toEqual(['token_expired']);
  });

  it('renders the contract through latchkeyErrorHandler', async () => {
    const app = express();
    app.get('/me', latchkey({ ...options(), onFailure: 'next', realm: 'shop' }), whoAmI);
    app.use(latchkeyErrorHandler());
    const url = await serve(app);

    const response = await get(`${url}/me`, await tokens.preset('expired'));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="shop", error="invalid_token", error_description="The token has expired"');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('authorization helpers', () => {
  let url: string;

  beforeAll(async () => {
    const app = express();
    const authenticate = latchkey(options());
    app.get('/all', authenticate, requireScopes(['read:items', 'write:items']), whoAmI);
    app.get('/any', authenticate, requireScopes(['admin', 'write:items'], { match: 'any' }), whoAmI);
    app.get('/tenant', authenticate, requireClaims({ tenant: 'acme' }), whoAmI);
    app.get('/verified', authenticate, requireClaims((claims) => claims['email_verified'] === true), whoAmI);
    app.get('/unauthenticated', requireScopes('read:items'), whoAmI);
    url = await serve(app);
  });

  it('requires every scope by default', async () => {
    expect((await get(`${url}/all`, await tokens.sign({ claims: { scope: 'read:items' } }))).status).toBe(403);
    expect((await get(`${url}/all`, await tokens.sign({ claims: { scope: 'read:items write:items' } }))).status).toBe(200);
  });

  it('names every required scope in the challenge', async () => {
    const response = await get(`${url}/all`, await tokens.sign({ claims: { scope: 'profile' } }));

    expect(response.headers.get('www-authenticate')).toContain('scope="read:items write:items"');
    expect((await response.json()).code).toBe('scope_insufficient');
  });

  it('accepts any listed scope with match any', async () => {
    expect((await get(`${url}/any`, await tokens.sign({ claims: { scope: 'write:items' } }))).status).toBe(200);
    expect((await get(`${url}/any`, await tokens.sign({ claims: { scope: 'read:items' } }))).status).toBe(403);
  });

  it('reads scopes from an scp array', async () => {
    expect((await get(`${url}/any`, await tokens.sign({ claims: { scope: undefined, scp: ['admin'] } }))).status).toBe(200);
  });

  it('checks claim values', async () => {
    expect((await get(`${url}/tenant`, await tokens.sign({ claims: { tenant: 'acme' } }))).status).toBe(200);

    const response = await get(`${url}/tenant`, await tokens.sign({ claims: { tenant: 'other' } }));
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe('claims_insufficient');
  });

  it('checks claims with a predicate', async () => {
    expect((await get(`${url}/verified`, await tokens.sign({ claims: { email_verified: true } }))).status).toBe(200);
    expect((await get(`${url}/verified`, await tokens.sign({ claims: { email_verified: 'true' } }))).status).toBe(403);
  });

  it('answers 401 when no middleware authenticated the request', async () => {
    const response = await get(`${url}/unauthenticated`, await tokens.sign());

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});

describe('configuration errors', () => {
  it('throws when the middleware is created', () => {
    expect(() => latchkey({ audience: AUDIENCE, jwksUri: 'https://auth.example.com/jwks' } as never)).toThrow(ConfigurationError);
    expect(() => latchkey({ ...options(), onFailure: 'throw' } as never)).toThrow(/onFailure/);
  });

  it('rejects invalid scope declarations', () => {
    expect(() => requireScopes('')).toThrow(ConfigurationError);
    expect(() => requireScopes([])).toThrow(ConfigurationError);
    expect(() => requireScopes('read items')).toThrow(/invalid scope/);
    expect(() => requireScopes('a', { match: 'some' as never })).toThrow(/match/);
  });

  it('rejects an empty claim requirement', () => {
    expect(() => requireClaims({})).toThrow(ConfigurationError);
  });
});
