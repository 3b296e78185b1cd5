import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifier } from '@latchkey/core';
import { latchkey, requireScopes } from '@latchkey/fastify';
import { send, startTestContext, type TestContext } from './helpers.js';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});

afterAll(async () => {
  await context.close();
});

beforeEach(() => {
  context.issuer.resetCounts();
});

function whoAmI(request: FastifyRequest, reply: FastifyReply) {
  return reply.send({ sub: request.auth?.claims.sub ?? null, scopes: request.auth?.scopes ?? [] });
}

describe('latchkey plugin', () => {
  it('fetches the JWKS once for 50 concurrent cold requests', async () => {
    const fetches: string[] = [];
    const app = Fastify();
    // A verifier with an event listener gets a key cache of its own, so this cache starts cold.
    await app.register(latchkey, { ...context.options(), onEvent: (event) => fetches.push(event.type) });
    app.get('/me', whoAmI);
    const url = await context.serve(app);
    const token = await context.tokens.sign();

    const responses = await Promise.all(Array.from({ length: 50 }, () => send(`${url}/me`, token)));

    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(context.issuer.requests.jwks).toBe(1);
    expect(fetches).toEqual(['jwks_fetch']);
  });

  it('sets request.auth with claims, header and scopes', async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/auth', async (request) => ({
      sub: request.auth?.claims.sub,
      kid: request.auth?.header.kid,
      scopes: request.auth?.scopes,
      location: request.auth?.location,
    }));
    const url = await context.serve(app);

    const response = await send(`${url}/auth`, await context.tokens.sign({ claims: { scope: 'a b' } }));

    expect(await response.json()).toEqual({ sub: 'user-123', kid: context.tokens.key.kid, scopes: ['a', 'b'], location: 'header' });
  });

  it('does not run the handler for a rejected request', async () => {
    let runs = 0;
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/me', async () => {
      runs++;
      return 'ran';
    });
    const url = await context.serve(app);

    expect((await send(`${url}/me`, await context.tokens.preset('expired'))).status).toBe(401);
    expect(runs).toBe(0);
  });

  it('sends the rendered failure unchanged', async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/me', whoAmI);
    const url = await context.serve(app);

    const response = await send(`${url}/me`, await context.tokens.preset('expired'));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token", error_description="The token has expired"');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe(
      '{"type":"about:blank","title":"Unauthorized","status":401,"detail":"The token has expired","code":"token_expired","error":"invalid_token"}',
    );
  });

  it('answers HEAD requests with the status and headers', async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/me', whoAmI);
    const url = await context.serve(app);

    const response = await send(`${url}/me`, undefined, { method: 'HEAD' });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('uses the configured realm in every challenge', async () => {
    const app = Fastify();
    await app.register(latchkey, { ...context.options(), realm: 'orders' });
    app.get('/config', { config: { scopes: 'write:items' } }, whoAmI);
    app.get('/helper', { preHandler: requireScopes('write:items') }, whoAmI);
    const url = await context.serve(app);
    const token = await context.tokens.sign();

    expect((await send(`${url}/config`)).headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    expect((await send(`${url}/config`, token)).headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
    expect((await send(`${url}/helper`, token)).headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
  });

  it('authenticates before answering 404 in a protected context', async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/me', whoAmI);
    const url = await context.serve(app);

    expect((await send(`${url}/missing`)).status).toBe(401);
    expect((await send(`${url}/missing`, await context.tokens.sign())).status).toBe(404);
  });

  it('protects routes declared before the plugin loaded', async () => {
    const app = Fastify();
    app.get('/early', whoAmI);
    app.register(latchkey, context.options());
    app.get('/late', whoAmI);
    const url = await context.serve(app);

    expect((await send(`${url}/early`)).status).toBe(401);
    expect((await send(`${url}/late`)).status).toBe(401);
    expect((await send(`${url}/late`, await context.tokens.sign())).status).toBe(200);
  });

  it('reads the token from the query with app.inject', async () => {
    const app = Fastify();
    await app.register(latchkey, { ...context.options(), queryParameter: 'access_token' });
    app.get('/me', whoAmI);
    const token = await context.tokens.sign();

    const response = await app.inject({ url: `/me?access_token=${token}` });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sub: 'user-123', scopes: ['read:items'] });
  });

  it('rejects two Authorization headers sent with app.inject', async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/me', whoAmI);
    const token = await context.tokens.sign();

    // light-my-request types a header value as one string, but sends an array as repeated header lines.
    const headers = { authorization: [`Bearer ${token}`, `Bearer ${token}`] } as unknown as Record<string, string>;
    const response = await app.inject({ url: '/me', headers });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'credentials_multiple' });
  });

  it('shares one verifier between registrations', async () => {
    const verifier = createVerifier(context.options());
    const app = Fastify();
    app.register(async (scope) => {
      await scope.register(latchkey, { verifier });
      scope.get('/a', whoAmI);
    });
    app.register(async (scope) => {
      await scope.register(latchkey, { verifier, optional: true });
      scope.get('/b', whoAmI);
    });
    const url = await context.serve(app);
    const token = await context.tokens.sign();

    expect((await send(`${url}/a`, token)).status).toBe(200);
    expect((await send(`${url}/b`, token)).status).toBe(200);
    expect((await send(`${url}/b`)).status).toBe(200);
    // Key sets are cached per JWKS URL across verifiers, so an earlier test may have fetched it already.
    expect(context.issuer.requests.jwks).toBeLessThanOrEqual(1);
  });
});
