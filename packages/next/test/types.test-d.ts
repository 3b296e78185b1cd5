import type { NextRequest } from 'next/server.js';
import { describe, expectTypeOf, it } from 'vitest';
import { type AuthInfo, createLatchkey, type VerifiedClaims } from '@latchkey/next';

declare module '@latchkey/core' {
  interface LatchkeyClaims {
    org_id: string;
  }
}

const auth = createLatchkey({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' });

describe('withAuth types', () => {
  it('passes typed claims and the request to the handler', () => {
    auth.withAuth(async (request, { auth: user, params }) => {
      expectTypeOf(request).toEqualTypeOf<NextRequest>();
      expectTypeOf(user).toEqualTypeOf<AuthInfo>();
      expectTypeOf(user.claims.sub).toEqualTypeOf<string | undefined>();
      expectTypeOf(user.claims.org_id).toEqualTypeOf<string>();
      expectTypeOf(params).toEqualTypeOf<Promise<Record<string, string | string[] | undefined>>>();
      return Response.json({});
    });
  });

  it('passes a null identity when optional', () => {
    auth.withAuth(
      async (_request, { auth: user }) => {
        expectTypeOf(user).toEqualTypeOf<AuthInfo | null>();
        return Response.json({});
      },
      { optional: true },
    );
  });

  it('keeps a typed route context', () => {
    const GET = auth.withAuth<{ params: Promise<{ id: string }> }>(async (_request, { params }) => {
      expectTypeOf(params).toEqualTypeOf<Promise<{ id: string }>>();
      return Response.json({});
    });

    expectTypeOf(GET).parameters.toEqualTypeOf<[Request, { params: Promise<{ id: string }> }]>();
    expectTypeOf(GET).returns.toEqualTypeOf<Promise<Response>>();
  });

  it('rejects a handler that returns no Response', () => {
    // @ts-expect-error a route handler returns a Response
    auth.withAuth(async () => ({ ok: true }));
  });

  it('keeps claims read-only', () => {
    auth.withAuth(async (_request, { auth: user }) => {
      // @ts-expect-error claims are read-only
      user.claims.sub = 'admin';
      return Response.json({});
    });
  });
});

describe('server helper types', () => {
  it('returns the identity or null', () => {
    expectTypeOf(auth.getAuth).returns.toEqualTypeOf<Promise<AuthInfo | null>>();
    expectTypeOf(auth.getClaims).returns.toEqualTypeOf<Promise<Readonly<VerifiedClaims> | null>>();
  });
});

describe('option types', () => {
  it('accepts the adapter options', () => {
    createLatchkey({
      issuer: 'https://auth.example.com/',
      audience: 'https://api.example.com',
      discovery: true,
      cookie: { name: '__Host-lk_at', sameSite: 'strict' },
      publicPaths: ['/', /^\/docs/],
      scopeRules: [{ path: '/admin/*', scopes: 'admin', methods: ['POST'] }],
    });
  });

  it('rejects cookieName and unknown values', () => {
    // @ts-expect-error the cookie is set with cookie.name
    createLatchkey({ issuer: 'https://a.example/', audience: 'b', jwksUri: 'https://a.example/jwks', cookieName: 'x' });
    // @ts-expect-error sameSite is lax, strict or none
    createLatchkey({ issuer: 'https://a.example/', audience: 'b', jwksUri: 'https://a.example/jwks', cookie: { sameSite: 'loose' } });
    // @ts-expect-error redirectStatus is 307 or 303
    createLatchkey({ issuer: 'https://a.example/', audience: 'b', jwksUri: 'https://a.example/jwks', redirectStatus: 302 });
  });
});
