import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey } from '@latchkey/fastify';
import { send, startTestContext, type TestContext } from './helpers.js';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});

afterAll(async () => {
  await context.close();
});

describe('encapsulation', () => {
  let url: string;

  beforeAll(async () => {
    const app = Fastify();
    app.get('/open', async (request) => ({ auth: request.auth ?? 'absent' }));

    app.register(
      async (scope: FastifyInstance) => {
        await scope.register(latchkey, context.options());
        scope.get('/me', async (request) => ({ sub: request.auth?.claims.sub }));
        scope.register(async (child) => {
          child.get('/nested', async (request) => ({ sub: request.auth?.claims.sub }));
        });
      },
      { prefix: '/private' },
    );

    app.register(async (sibling) => {
      sibling.get('/sibling', async () => ({ sibling: true }));
    });
    url = await context.serve(app);
  });

  it('protects the routes of the scoped plugin', async () => {
    const response = await send(`${url}/private/me`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });

  it('protects routes of child plugins', async () => {
    expect((await send(`${url}/private/nested`)).status).toBe(401);
    expect(await (await send(`${url}/private/nested`, await context.tokens.sign())).json()).toEqual({ sub: 'user-123' });
  });

  it('sets request.auth inside the scope', async () => {
    expect(await (await send(`${url}/private/me`, await context.tokens.sign())).json()).toEqual({ sub: 'user-123' });
  });

  it('leaves routes of the parent open', async () => {
    const response = await send(`${url}/open`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ auth: 'absent' });
  });

  it('leaves routes of sibling plugins open', async () => {
    expect((await send(`${url}/sibling`)).status).toBe(200);
  });

  it('ignores a bad token outside the scope', async () => {
    expect((await send(`${url}/open`, 'not.a.token')).status).toBe(200);
  });

  it('answers 404 outside the scope without authenticating', async () => {
    expect((await send(`${url}/missing`)).status).toBe(404);
  });
});

describe('registration', () => {
  it('rejects a second registration in the same context', async () => {
    const app = Fastify();
    app.register(latchkey, context.options());
    app.register(latchkey, context.options());

    await expect(app.ready()).rejects.toThrow(/already registered in this encapsulation context or a parent/);
  });

  it('rejects a registration below a protected context', async () => {
    const app = Fastify();
    app.register(latchkey, context.options());
    app.register(async (scope) => {
      await scope.register(latchkey, context.options());
    });

    await expect(app.ready()).rejects.toThrow(/already registered/);
  });

  it('rejects an existing request.auth decorator', async () => {
    const app = Fastify();
    app.decorateRequest('auth', null);
    app.register(latchkey, context.options());

    await expect(app.ready()).rejects.toThrow(/another plugin already decorates request.auth/);
  });
});
