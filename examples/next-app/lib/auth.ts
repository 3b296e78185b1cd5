import { createLatchkey } from '@latchkey/next';

declare module '@latchkey/core' {
  interface LatchkeyClaims {
    email?: string;
    sid?: string;
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set. Run "pnpm dev" in examples/next-app, which starts a local issuer and sets it, or set it to your identity provider's value.`);
  }
  return value;
}

/** One latchkey instance for the proxy, route handlers, server components and server actions. */
export const auth = createLatchkey({
  issuer: requiredEnv('LATCHKEY_ISSUER'),
  audience: requiredEnv('LATCHKEY_AUDIENCE'),
  jwksUri: requiredEnv('LATCHKEY_JWKS_URI'),
  signInUrl: '/sign-in',
  publicPaths: ['/', '/favicon.ico'],
  apiPaths: ['/api/*'],
  scopeRules: [{ path: '/api/items', methods: ['POST'], scopes: 'write:items' }],
});
