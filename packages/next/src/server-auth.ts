import type { AuthInfo, VerifiedClaims } from '@latchkey/core';
import { headers } from 'next/headers.js';
import { cache } from 'react';
import { type AdapterContext, authenticateRequest, type HeaderReader } from './authenticate.js';

/** Server component and server action helpers of a latchkey instance. */
export interface ServerAuth {
  /**
   * Returns the verified identity of the current request, or null when it has no valid token.
   * For server components, server actions and route handlers. It only reads: it never refreshes
   * a token and never sets a cookie, and it never throws for a missing, malformed, expired or
   * otherwise invalid token. It rejects only when the issuer's keys cannot be obtained
   * (`key_source_unavailable`), because null would send signed-in users to the sign-in page.
   * Within one request the token is verified once, however often it is called.
   */
  getAuth(): Promise<AuthInfo | null>;
  /** Like `getAuth`, but returns only the verified claims. */
  getClaims(): Promise<Readonly<VerifiedClaims> | null>;
  /**
   * `getAuth` for a given set of request headers, for code that has them at hand. Calls with the
   * same headers object share one verification.
   */
  authFromHeaders(requestHeaders: HeaderReader): Promise<AuthInfo | null>;
}

/**
 * Creates the server helpers. They verify on their own with the shared key cache and never read
 * a header a proxy may have set, so they stay correct when the proxy did not run.
 */
export function createServerAuth(context: AdapterContext): ServerAuth {
  const results = new WeakMap<HeaderReader, Promise<AuthInfo | null>>();

  const authFromHeaders = (requestHeaders: HeaderReader): Promise<AuthInfo | null> => {
    let result = results.get(requestHeaders);
    if (result === undefined) {
      result = readAuth(context, requestHeaders);
      results.set(requestHeaders, result);
    }
    return result;
  };

  // React's cache memoises within one server component render. The WeakMap above also covers
  // server actions and route handlers, because Next.js keeps one headers object per request.
  const getAuth = cache(async () => authFromHeaders(await headers()));
  const getClaims = async () => (await getAuth())?.claims ?? null;

  return { getAuth, getClaims, authFromHeaders };
}

async function readAuth(context: AdapterContext, requestHeaders: HeaderReader): Promise<AuthInfo | null> {
  // A server action is a POST marked with the Next-Action header; its cookie-carried token needs
  // the same-origin proof that unsafe requests get in the proxy.
  const unsafe = requestHeaders.has('next-action');
  const url = `http://${requestHeaders.get('host') ?? 'localhost'}/`;
  const outcome = await authenticateRequest(context, { method: unsafe ? 'POST' : 'GET', headers: requestHeaders, url }, { optional: true, unsafe, scopes: [] });

  if (outcome.kind === 'authenticated') return outcome.auth;
  if (outcome.kind === 'failed' && outcome.failure.code === 'key_source_unavailable') throw outcome.failure;
  return null;
}
