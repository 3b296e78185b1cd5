import { ConfigurationError } from '@latchkey/core';
import { serialize } from 'cookie';
import { CookieTooLargeError } from './errors.js';

/** Settings of the token cookie. It is always written HttpOnly, so page scripts cannot read the token. */
export interface TokenCookieOptions {
  /** Cookie name. Default `__Host-lk_at`. */
  name?: string;
  /** Send only over HTTPS. Default true; required by the `__Host-` and `__Secure-` prefixes. */
  secure?: boolean;
  /** Default `/`; must be `/` for a `__Host-` name. */
  path?: string;
  /** Default: none, so the cookie stays on the exact host. Not allowed with a `__Host-` name. */
  domain?: string;
  /** Default `lax`. `none` needs `secure`. */
  sameSite?: 'lax' | 'strict' | 'none';
}

/** Checked cookie settings. */
export interface ResolvedTokenCookie {
  name: string;
  secure: boolean;
  path: string;
  domain: string | undefined;
  sameSite: 'lax' | 'strict' | 'none';
}

/** Options of one cookie write. */
export interface WriteTokenCookieOptions {
  /** Lifetime in seconds, usually the token's remaining lifetime. Default: a session cookie. */
  maxAge?: number;
}

/** Cookie store that `setTokenCookie` and `clearTokenCookie` write to: Next.js `cookies()` or `NextResponse.cookies`. */
export interface CookieWriter {
  set(name: string, value: string, options: CookieAttributes): unknown;
}

/** The attributes passed to a CookieWriter. */
export interface CookieAttributes {
  httpOnly: true;
  secure: boolean;
  path: string;
  sameSite: 'lax' | 'strict' | 'none';
  domain?: string;
  maxAge?: number;
}

export const DEFAULT_COOKIE_NAME = '__Host-lk_at';

/**
 * The largest `Set-Cookie` value written, counting name, value and attributes. Browsers must
 * store at least 4096 bytes per cookie (RFC 6265 §6.1), and the margin leaves room for
 * attributes a framework adds.
 */
export const MAX_COOKIE_BYTES = 4000;

// RFC 6750 §2.1 b64token, which is also a valid cookie-value (RFC 6265 §4.1.1).
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Checks the cookie settings at start-up. Browsers silently ignore a `__Host-` cookie that is
 * not Secure, has a Domain or a path other than `/`, and a `__Secure-` cookie that is not Secure
 * (RFC 6265bis §4.1.3), so such settings are configuration errors here.
 */
export function resolveTokenCookie(options: TokenCookieOptions = {}): ResolvedTokenCookie {
  const cookie = {
    name: options.name ?? DEFAULT_COOKIE_NAME,
    secure: options.secure ?? true,
    path: options.path ?? '/',
    domain: options.domain,
    sameSite: options.sameSite ?? 'lax',
  };

  checkBasics(cookie);
  checkPrefixRules(cookie);
  return Object.freeze(cookie);
}

function checkBasics(cookie: ResolvedTokenCookie): void {
  if (typeof cookie.secure !== 'boolean') {
    throw new ConfigurationError('cookie.secure', 'must be a boolean', 'Leave it unset (true) or set it to false for plain-http development with an unprefixed cookie name');
  }
  if (typeof cookie.path !== 'string' || !cookie.path.startsWith('/')) {
    throw new ConfigurationError('cookie.path', `must start with "/", not ${JSON.stringify(cookie.path)}`, 'Leave it unset to use "/"');
  }
  if (!['lax', 'strict', 'none'].includes(cookie.sameSite)) {
    throw new ConfigurationError('cookie.sameSite', `must be "lax", "strict" or "none", not ${JSON.stringify(cookie.sameSite)}`, 'Leave it unset to use "lax"');
  }
  if (cookie.sameSite === 'none' && !cookie.secure) {
    throw new ConfigurationError('cookie.sameSite', 'is "none" while cookie.secure is false, and browsers reject such cookies', 'Use "lax", or keep secure true');
  }
  if (cookie.domain !== undefined && (typeof cookie.domain !== 'string' || cookie.domain === '')) {
    throw new ConfigurationError('cookie.domain', 'must be a non-empty string', 'Leave it unset to keep the cookie on the exact host');
  }
}

function checkPrefixRules(cookie: ResolvedTokenCookie): void {
  const fix = 'For plain-http development use an unprefixed name such as "lk_at" with secure: false';

  if (cookie.name.startsWith('__Host-')) {
    if (!cookie.secure) throw new ConfigurationError('cookie.secure', `is false, but a __Host- cookie (${cookie.name}) must be Secure`, fix);
    if (cookie.domain !== undefined) {
      throw new ConfigurationError('cookie.domain', `is set, but a __Host- cookie (${cookie.name}) must not have a Domain`, 'Remove cookie.domain, or use a __Secure- name to share the cookie across subdomains');
    }
    if (cookie.path !== '/') {
      throw new ConfigurationError('cookie.path', `is ${JSON.stringify(cookie.path)}, but a __Host- cookie (${cookie.name}) must have Path=/`, 'Remove cookie.path');
    }
  }
  if (cookie.name.startsWith('__Secure-') && !cookie.secure) {
    throw new ConfigurationError('cookie.secure', `is false, but a __Secure- cookie (${cookie.name}) must be Secure`, fix);
  }
}

/** Returns the attributes of the token cookie. */
export function cookieAttributes(cookie: ResolvedTokenCookie, maxAge?: number): CookieAttributes {
  return {
    httpOnly: true,
    secure: cookie.secure,
    path: cookie.path,
    sameSite: cookie.sameSite,
    ...(cookie.domain === undefined ? {} : { domain: cookie.domain }),
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

/**
 * Serialises the `Set-Cookie` value for a token. Throws a TypeError for a value that is not a
 * bearer token, and a CookieTooLargeError when the whole value exceeds MAX_COOKIE_BYTES.
 */
export function serializeTokenCookie(cookie: ResolvedTokenCookie, token: string, options: WriteTokenCookieOptions = {}): string {
  if (typeof token !== 'string' || !B64TOKEN.test(token)) {
    throw new TypeError('latchkey: the token to store is not a bearer token (RFC 6750 b64token characters only). Pass the access token string as issued.');
  }
  checkMaxAge(options.maxAge);

  const line = serialize(cookie.name, token, cookieAttributes(cookie, options.maxAge));
  const bytes = new TextEncoder().encode(line).byteLength;
  if (bytes > MAX_COOKIE_BYTES) throw new CookieTooLargeError(cookie.name, bytes, MAX_COOKIE_BYTES);
  return line;
}

/** Builds the `Set-Cookie` value that removes a cookie of this name with the token cookie's attributes. */
export function serializeExpiredCookie(cookie: ResolvedTokenCookie, name = cookie.name): string {
  return serialize(name, '', { ...cookieAttributes(cookie, 0), expires: new Date(0) });
}

function checkMaxAge(maxAge: number | undefined): void {
  if (maxAge === undefined) return;
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new TypeError(`latchkey: maxAge must be a whole number of seconds, not ${String(maxAge)}. Pass the token's remaining lifetime.`);
  }
}
