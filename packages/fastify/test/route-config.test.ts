import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@latchkey/core';
import { latchkey } from '@latchkey/fastify';
import { send, startTestContext, type TestContext } from './helpers.js';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});

afterAll(async () => {
  await context.close();
});

function whoAmI(request: FastifyRequest, reply: FastifyReply) {
  return reply.send({ sub: request.auth?.claims.sub ?? null, scopes: request.auth?.scopes ?? [] });
}

describe('route config', () => {
  let url: string;

  beforeAll(async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/public', { config: { auth: false } }, whoAmI);
    app.get('/feed', { config: { auth: 'optional' } }, whoAmI);
    app.get('/required', { config: { auth: 'required' } }, whoAmI);
    app.get('/write', { config: { scopes: 'write:items' } }, whoAmI);
    app.get('/all', { config: { scopes: ['read:items', 'write:items'] } }, whoAmI);
    app.get('/any', { config: { scopes: ['admin', 'write:items'], scopeMatch: 'any' } }, whoAmI);
    url = await context.serve(app);
  });

  it('leaves an auth false route open', async () => {
    const response = await send(`${url}/public`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: null, scopes: [] });
  });

  it('reads no token on an auth false route', async () => {
    const response = await send(`${url}/public`, 'not.a.token');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: null, scopes: [] });
  });

  it('requires a token with auth required', async () => {
    expect((await send(`${url}/required`)).status).toBe(401);
    expect((await send(`${url}/required`, await context.tokens.sign())).status).toBe(200);
  });

  it('requires every listed scope by default', async () => {
    expect((await send(`${url}/all`, await context.tokens.sign({ claims: { scope: 'read:items' } }))).status).toBe(403);
    expect((await send(`${url}/all`, await context.tokens.sign({ claims: { scope: 'read:items write:items' } }))).status).toBe(200);
  });

  it('names every required scope in the challenge', async () => {
    const response = await send(`${url}/all`, await context.tokens.sign({ claims: { scope: 'profile' } }));

    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The token lacks a scope this resource requires", scope="read:items write:items"',
    );
    expect((await response.json()).code).toBe('scope_insufficient');
  });

  it('accepts one listed scope with scopeMatch any', async () => {
    expect((await send(`${url}/any`, await context.tokens.sign({ claims: { scope: 'write:items' } }))).status).toBe(200);
    expect((await send(`${url}/any`, await context.tokens.sign({ claims: { scope: undefined, scp: ['admin'] } }))).status).toBe(200);
    expect((await send(`${url}/any`, await context.tokens.sign())).status).toBe(403);
  });

  it('authenticates before checking scopes', async () => {
    const missing = await send(`${url}/write`);
    const expired = await send(`${url}/write`, await context.tokens.preset('expired'));

    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('optional authentication', () => {
  let url: string;

  beforeAll(async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.get('/feed', { config: { auth: 'optional' } }, whoAmI);
    url = await context.serve(app);
  });

  it('lets a request without credentials through as anonymous', async () => {
    const response = await send(`${url}/feed`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: null, scopes: [] });
  });

  it('sets request.auth for a valid token', async () => {
    expect(await (await send(`${url}/feed`, await context.tokens.sign())).json()).toEqual({ sub: 'user-123', scopes: ['read:items'] });
  });

  it.each(['expired', 'tampered', 'algNone', 'wrongAudience'] as const)('still rejects the %s token', async (preset) => {
    const response = await send(`${url}/feed`, await context.tokens.preset(preset));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('still rejects a malformed header', async () => {
    expect((await fetch(`${url}/feed`, { headers: { authorization: 'Bearer' } })).status).toBe(400);
  });

  it('treats another scheme as no credentials', async () => {
    expect((await fetch(`${url}/feed`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(200);
  });
});

describe('optional plugin default', () => {
  let url: string;

  beforeAll(async () => {
    const app = Fastify();
    await app.register(latchkey, { ...context.options(), optional: true });
    app.get('/feed', whoAmI);
    app.get('/account', { config: { auth: 'required' } }, whoAmI);
    app.get('/write', { config: { scopes: 'write:items' } }, whoAmI);
    url = await context.serve(app);
  });

  it('lets anonymous requests through on routes without config', async () => {
    expect((await send(`${url}/feed`)).status).toBe(200);
  });

  it('still rejects a bad token on routes without config', async () => {
    expect((await send(`${url}/feed`, await context.tokens.preset('expired'))).status).toBe(401);
  });

  it('lets a route require a token', async () => {
    expect((await send(`${url}/account`)).status).toBe(401);
  });

  it('requires a token on routes with scopes', async () => {
    const response = await send(`${url}/write`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});

describe('route config validation', () => {
  async function readyWithRoute(config: Record<string, unknown>): Promise<unknown> {
    const app = Fastify();
    await app.register(latchkey, context.options());
    try {
      app.get('/items', { config }, whoAmI);
      await app.ready();
    } catch (error) {
      return error;
    } finally {
      await app.close();
    }
    return undefined;
  }

  it('rejects an unknown auth value', async () => {
    const error = await readyWithRoute({ auth: true });

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('config.auth');
    expect((error as Error).message).toBe(
      'latchkey: option "config.auth" of route GET /items must be "required", "optional" or false, not true. Use false for a public route, "optional" to let anonymous requests through, or leave it unset.',
    );
  });

  it('rejects an empty scope list', async () => {
    const error = await readyWithRoute({ scopes: [] });

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^latchkey: option "config.scopes" of route GET \/items must be a scope or a non-empty array/);
  });

  it('rejects an invalid scope and names the route', async () => {
    const error = await readyWithRoute({ scopes: 'read items' });

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('config.scopes');
    expect((error as Error).message).toMatch(/contains the invalid scope "read items"\. .+\. Fix it in the config of route GET \/items\.$/);
  });

  it('rejects an unknown scopeMatch', async () => {
    const error = await readyWithRoute({ scopes: 'a', scopeMatch: 'some' });

    expect((error as ConfigurationError).option).toBe('config.scopeMatch');
  });

  it('rejects scopeMatch without scopes', async () => {
    const error = await readyWithRoute({ scopeMatch: 'any' });

    expect((error as Error).message).toMatch(/"config.scopeMatch" of route GET \/items is set without config.scopes/);
  });

  it('rejects scopes on a public route', async () => {
    const error = await readyWithRoute({ auth: false, scopes: 'read:items' });

    expect((error as ConfigurationError).option).toBe('config.scopes');
    expect((error as Error).message).toMatch(/cannot be checked with auth false/);
  });

  it('rejects scopes on an optional route', async () => {
    const error = await readyWithRoute({ auth: 'optional', scopes: 'read:items' });

    expect((error as Error).message).toMatch(/cannot be checked with auth "optional"/);
  });

  it('answers 500 for an invalid config the onRoute hook did not see', async () => {
    const app = Fastify();
    app.get('/early', { config: { auth: 'sometimes' as never } }, whoAmI);
    await app.register(latchkey, context.options());

    const response = await app.inject({ url: '/early' });

    expect(response.statusCode).toBe(500);
  });
});
