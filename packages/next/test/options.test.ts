import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '@latchkey/core';
import { createLatchkey, type LatchkeyNextOptions } from '@latchkey/next';

const base = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/jwks' };

function create(overrides: Record<string, unknown>) {
  return () => createLatchkey({ ...base, ...overrides } as LatchkeyNextOptions);
}

describe('createLatchkey options', () => {
  it.each([
    ['signInUrl', { signInUrl: 'sign-in' }],
    ['signInUrl', { signInUrl: '//evil.example/sign-in' }],
    ['signInUrl', { signInUrl: 'javascript:alert(1)' }],
    ['returnToParameter', { returnToParameter: 'a b' }],
    ['redirectStatus', { redirectStatus: 302 }],
    ['publicPaths', { publicPaths: 'dashboard' }],
    ['apiPaths', { apiPaths: ['api/*'] }],
    ['scopes', { scopeRules: [{ path: '/admin', scopes: [] }] }],
    ['scopeRules[0].path', { scopeRules: [{ path: 'admin', scopes: 'admin' }] }],
    ['allowedOrigins', { allowedOrigins: ['https://app.example.com/'] }],
    ['allowedOrigins', { allowedOrigins: ['null'] }],
    ['subjectHeader', { subjectHeader: 'x user' }],
    ['locales', { locales: ['en/us'] }],
    ['issuer', { issuer: undefined }],
  ])('rejects an invalid %s', (option, overrides) => {
    expect(create(overrides)).toThrow(ConfigurationError);
    expect(create(overrides)).toThrow(`option "${option}"`);
  });

  it('accepts the documented settings', () => {
    const auth = createLatchkey({
      ...base,
      cookie: { name: '__Secure-lk_at', domain: 'example.com', sameSite: 'strict' },
      signInUrl: 'https://login.example.com/start',
      returnToParameter: 'next',
      redirectStatus: 303,
      publicPaths: ['/', '/docs/*', /^\/blog\/\d+$/],
      apiPaths: ['/api/*', '/graphql'],
      scopeRules: [{ path: '/admin/*', scopes: ['admin'], methods: ['post'], match: 'any' }],
      allowedOrigins: ['https://app.example.com'],
      subjectHeader: 'X-User-Id',
      locales: ['en', 'fr'],
    });

    expect(typeof auth.proxy).toBe('function');
  });
});
