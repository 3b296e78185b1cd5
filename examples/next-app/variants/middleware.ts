import { auth } from '@/lib/auth';

// Edge runtime (middleware.ts, deprecated in Next.js 16 but still supported). Use this file
// instead of proxy.ts: a Next.js app may have only one of the two.
export const middleware = auth.proxy;

// Runs on every path except content-hashed build assets; the route policy decides the rest.
export const config = {
  matcher: ['/((?!_next/static/).*)'],
};
