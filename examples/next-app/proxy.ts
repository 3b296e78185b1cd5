import { auth } from '@/lib/auth';

// Node.js runtime (Next.js 16 proxy.ts).
export const proxy = auth.proxy;

// Runs on every path except content-hashed build assets; the route policy decides the rest.
export const config = {
  matcher: ['/((?!_next/static/).*)'],
};
