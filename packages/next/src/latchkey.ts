import type { Verifier } from '@latchkey/core';
import type { AdapterContext } from './authenticate.js';
import { type LatchkeyNextOptions, resolveAdapterOptions } from './options.js';
import { createProxy, type ProxyHandler } from './proxy.js';
import { createWithAuth, type WithAuth } from './route-handler.js';
import { createServerAuth, type ServerAuth } from './server-auth.js';
import { sharedVerifier } from './shared-verifier.js';
import { type CookieWriter, cookieAttributes, type ResolvedTokenCookie, serializeTokenCookie, type WriteTokenCookieOptions } from './token-cookie.js';

/** Everything an app needs, built once in a shared module such as `lib/auth.ts`. */
export interface NextLatchkey extends ServerAuth {
  /** Export it from `proxy.ts` as `proxy`, or from `middleware.ts` as `middleware`. */
  proxy: ProxyHandler;
  /** Wraps an App Router route handler so that it verifies the request itself. */
  withAuth: WithAuth;
  /**
   * Stores a token in the token cookie through Next.js `cookies()` (server actions, route
   * handlers) or `NextResponse.cookies`. Throws a CookieTooLargeError, and writes nothing, when
   * the cookie would exceed MAX_COOKIE_BYTES.
   */
  setTokenCookie(cookies: CookieWriter, token: string, options?: WriteTokenCookieOptions): void;
  /** Expires the token cookie, for signing out. */
  clearTokenCookie(cookies: CookieWriter): void;
  /** Returns the `Set-Cookie` value for a token after the same checks as `setTokenCookie`. */
  serializeTokenCookie(token: string, options?: WriteTokenCookieOptions): string;
  /** The verifier, shared by every instance with the same options in this process. */
  readonly verifier: Verifier;
}

/**
 * Creates the proxy, route handler wrapper, server helpers and cookie helpers of an app. Every
 * option is checked here, so a mistake throws a ConfigurationError when the module loads.
 *
 * ```ts
 * export const auth = createLatchkey({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' });
 * ```
 */
export function createLatchkey(options: LatchkeyNextOptions): NextLatchkey {
  const { adapter, verifier: verifierOptions } = resolveAdapterOptions(options);
  const context: AdapterContext = { verifier: sharedVerifier(verifierOptions), adapter };
  const cookie = adapter.cookie;

  return Object.freeze({
    proxy: createProxy(context),
    withAuth: createWithAuth(context),
    ...createServerAuth(context),
    setTokenCookie: (cookies: CookieWriter, token: string, writeOptions: WriteTokenCookieOptions = {}) => {
      const enabled = requireCookie(cookie);
      serializeTokenCookie(enabled, token, writeOptions);
      cookies.set(enabled.name, token, cookieAttributes(enabled, writeOptions.maxAge));
    },
    clearTokenCookie: (cookies: CookieWriter) => {
      const enabled = requireCookie(cookie);
      cookies.set(enabled.name, '', cookieAttributes(enabled, 0));
    },
    serializeTokenCookie: (token: string, writeOptions?: WriteTokenCookieOptions) => serializeTokenCookie(requireCookie(cookie), token, writeOptions),
    verifier: context.verifier,
  });
}

function requireCookie(cookie: ResolvedTokenCookie | undefined): ResolvedTokenCookie {
  if (cookie === undefined) {
    throw new TypeError('latchkey: the token cookie is turned off (cookie: false), so there is no cookie to write. Remove cookie: false to use it.');
  }
  return cookie;
}

