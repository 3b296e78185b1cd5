import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { createVerifier } from '@latchkey/core';
import { latchkey, requireClaims, requireScopes, type AuthInfo } from '@latchkey/fastify';

declare module '@latchkey/core' {
  interface LatchkeyClaims {
    org_id: string;
    permissions?: readonly string[];
  }
}

const options = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' };

describe('request.auth types', () => {
  it('types request.auth inside a handler', () => {
    const app = Fastify();
    app.register(latchkey, options);

    app.get('/me', async (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<AuthInfo | null>();
      expectTypeOf(request.auth!.claims.sub).toEqualTypeOf<string | undefined>();
      expectTypeOf(request.auth!.scopes).toEqualTypeOf<readonly string[]>();
      return null;
    });
  });

  it('carries user-declared claims', () => {
    const app = Fastify();

    app.get('/org', async (request) => {
      expectTypeOf(request.auth!.claims.org_id).toEqualTypeOf<string>();
      expectTypeOf(request.auth!.claims.permissions).toEqualTypeOf<readonly string[] | undefined>();
      return null;
    });
  });

  it('passes declared claims to a claim predicate', () => {
    requireClaims((claims) => {
      expectTypeOf(claims.org_id).toEqualTypeOf<string>();
      return claims.org_id === 'acme';
    });
  });

  it('keeps verified claims read-only', () => {
    const app = Fastify();

    app.get('/me', async (request) => {
      // @ts-expect-error claims are read-only
      request.auth!.claims.sub = 'admin';
      return null;
    });
  });
});

describe('route config types', () => {
  it('accepts the latchkey keys', () => {
    const app = Fastify();

    app.get('/public', { config: { auth: false } }, async () => null);
    app.get('/feed', { config: { auth: 'optional' } }, async () => null);
    app.get('/write', { config: { scopes: ['write:items'], scopeMatch: 'any' } }, async () => null);
    app.route({ method: 'GET', url: '/route', config: { scopes: 'read:items' }, handler: async () => null });
  });

  it('rejects unknown values', () => {
    const app = Fastify();

    // @ts-expect-error auth is "required", "optional" or false
    app.get('/a', { config: { auth: true } }, async () => null);
    // @ts-expect-error scopeMatch is "all" or "any"
    app.get('/b', { config: { scopes: 'a', scopeMatch: 'some' } }, async () => null);
    // @ts-expect-error scopes are strings
    app.get('/c', { config: { scopes: [1] } }, async () => null);
  });
});

describe('helper types', () => {
  it('fit preHandler and onRequest of typed routes', () => {
    const app = Fastify();

    app.post<{ Body: { name: string } }>(
      '/items',
      { preHandler: [requireScopes('write:items'), requireClaims({ org_id: 'acme' })], onRequest: requireScopes('a', { match: 'any' }) },
      async (request) => {
        expectTypeOf(request.body.name).toEqualTypeOf<string>();
        return null;
      },
    );
  });

  it('rejects an unknown match', () => {
    // @ts-expect-error match is "all" or "any"
    requireScopes('a', { match: 'some' });
  });
});

describe('plugin option types', () => {
  it('accepts verifier options or a verifier', () => {
    const app = Fastify();

    app.register(latchkey, { ...options, optional: true, realm: 'orders' });
    app.register(latchkey, { verifier: createVerifier(options) });
  });

  it('rejects options without issuer or with two key sources', () => {
    const app = Fastify();

    // @ts-expect-error issuer is required; pass null to opt out
    app.register(latchkey, { audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' });
    // @ts-expect-error two key sources at once
    app.register(latchkey, { ...options, secret: 'x'.repeat(32) });
    // @ts-expect-error optional is a boolean
    app.register(latchkey, { ...options, optional: 'yes' });
  });
});
