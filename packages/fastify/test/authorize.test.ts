import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@latchkey/core';
import { latchkey, requireClaims, requireScopes } from '@latchkey/fastify';
import { send, startTestContext, type TestContext } from './helpers.js';

let context: TestContext;
let url: string;
let unprotectedUrl: string;

beforeAll(async () => {
  context = await startTestContext();

  const app = Fastify();
  await app.register(latchkey, context.options());
  app.get('/all', { preHandler: requireScopes(['read:items', 'write:items']) }, whoAmI);
  app.get('/any', { preHandler: requireScopes(['admin', 'write:items'], { match: 'any' }) }, whoAmI);
  app.get('/tenant', { preHandler: requireClaims({ tenant: 'acme' }) }, whoAmI);
  app.get('/verified', { preHandler: requireClaims((claims) => claims['email_verified'] === true) }, whoAmI);
  app.get('/both', { preHandler: [requireScopes('read:items'), requireClaims({ tenant: 'acme' })] }, whoAmI);
  app.get('/public', { config: { auth: false }, preHandler: requireScopes('read:items') }, whoAmI);
  app.get('/feed', { config: { auth: 'optional' }, preHandler: requireScopes('read:items') }, whoAmI);
  app.get('/on-request', { onRequest: requireScopes('write:items') }, whoAmI);
  url = await context.serve(app);

  const unprotected = Fastify();
  unprotected.get('/scoped', { preHandler: requireScopes('read:items') }, whoAmI);
  unprotectedUrl = await context.serve(unprotected);
});

afterAll(async () => {
  await context.close();
});

function whoAmI(request: FastifyRequest, reply: FastifyReply) {
  return reply.send({ sub: request.auth?.claims.sub ?? null });
}

describe('requireScopes', () => {
  it('requires every scope by default', async () => {
    expect((await send(`${url}/all`, await context.tokens.sign({ claims: { scope: 'read:items' } }))).status).toBe(403);
    expect((await send(`${url}/all`, await context.tokens.sign({ claims: { scope: 'read:items write:items' } }))).status).toBe(200);
  });

  it('names every required scope in the challenge', async () => {
    const response = await send(`${url}/all`, await context.tokens.sign({ claims: { scope: 'profile' } }));

    expect(response.headers.get('www-authenticate')).toContain('scope="read:items write:items"');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect((await response.json()).code).toBe('scope_insufficient');
  });

  it('accepts any listed scope with match any', async () => {
    expect((await send(`${url}/any`, await context.tokens.sign({ claims: { scope: 'write:items' } }))).status).toBe(200);
    expect((await send(`${url}/any`, await context.tokens.sign({ claims: { scope: 'read:items' } }))).status).toBe(403);
  });

  it('works as a route-level onRequest hook', async () => {
    expect((await send(`${url}/on-request`, await context.tokens.sign())).status).toBe(403);
    expect((await send(`${url}/on-request`, await context.tokens.preset('withWriteScope'))).status).toBe(200);
  });

  it('lets the plugin answer a bad token first', async () => {
    const response = await send(`${url}/all`, await context.tokens.preset('expired'));

    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('token_expired');
  });
});

describe('requireClaims', () => {
  it('checks claim values', async () => {
    expect((await send(`${url}/tenant`, await context.tokens.sign({ claims: { tenant: 'acme' } }))).status).toBe(200);

    const response = await send(`${url}/tenant`, await context.tokens.sign({ claims: { tenant: 'other' } }));
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe('claims_insufficient');
  });

  it('checks claims with a predicate', async () => {
    expect((await send(`${url}/verified`, await context.tokens.sign({ claims: { email_verified: true } }))).status).toBe(200);
    expect((await send(`${url}/verified`, await context.tokens.sign({ claims: { email_verified: 'true' } }))).status).toBe(403);
  });

  it('runs after a scope check in one preHandler list', async () => {
    expect((await send(`${url}/both`, await context.tokens.sign({ claims: { tenant: 'acme' } }))).status).toBe(200);
    expect((await send(`${url}/both`, await context.tokens.sign({ claims: { tenant: 'acme', scope: 'profile' } }))).status).toBe(403);
  });
});

describe('helpers without an authenticated request', () => {
  it('answer 401 on a public route', async () => {
    const response = await send(`${url}/public`, await context.tokens.sign());

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('answer 401 for an anonymous request on an optional route', async () => {
    expect((await send(`${url}/feed`)).status).toBe(401);
    expect((await send(`${url}/feed`, await context.tokens.sign())).status).toBe(200);
  });

  it('answer 401 outside the plugin context', async () => {
    const response = await send(`${unprotectedUrl}/scoped`, await context.tokens.sign());

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});

describe('helper declarations', () => {
  it('reject invalid scopes', () => {
    expect(() => requireScopes('')).toThrow(ConfigurationError);
    expect(() => requireScopes([])).toThrow(ConfigurationError);
    expect(() => requireScopes('read items')).toThrow(/invalid scope/);
    expect(() => requireScopes('a', { match: 'some' as never })).toThrow(/match/);
  });

  it('reject an empty claim requirement', () => {
    expect(() => requireClaims({})).toThrow(ConfigurationError);
  });
});
