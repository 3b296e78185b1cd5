import express from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { latchkey, requireScopes, type AuthInfo } from '@latchkey/express';

declare module '@latchkey/core' {
  interface LatchkeyClaims {
    tenant_id: string;
    roles?: string[];
  }
}

const options = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' };

describe('req.auth types', () => {
  it('types req.auth inside a protected handler', () => {
    const app = express();

    app.get('/me', latchkey(options), requireScopes('read:items'), (request, response) => {
      expectTypeOf(request.auth).toEqualTypeOf<AuthInfo | undefined>();
      expectTypeOf(request.auth!.claims.sub).toEqualTypeOf<string | undefined>();
      expectTypeOf(request.auth!.scopes).toEqualTypeOf<readonly string[]>();
      response.end();
    });
  });

  it('carries user-declared claims', () => {
    const app = express();

    app.get('/tenant', latchkey(options), (request, response) => {
      expectTypeOf(request.auth!.claims.tenant_id).toEqualTypeOf<string>();
      expectTypeOf(request.auth!.claims.roles).toEqualTypeOf<string[] | undefined>();
      response.end();
    });
  });

  it('rejects options without issuer or audience', () => {
    // @ts-expect-error issuer is required; pass null to opt out
    latchkey({ audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' });
    // @ts-expect-error two key sources at once
    latchkey({ ...options, secret: 'x'.repeat(32) });
  });

  it('keeps verified claims read-only', () => {
    const app = express();

    app.get('/me', latchkey(options), (request, response) => {
      // @ts-expect-error claims are read-only
      request.auth!.claims.sub = 'admin';
      response.end();
    });
  });
});
