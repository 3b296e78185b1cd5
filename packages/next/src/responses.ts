import type { RenderedFailure } from '@latchkey/core';
import type { CrossSiteRequestError } from './errors.js';

/** Cache-Control of every response for a protected path that does not set a stricter private one. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** Response headers every response for a protected path carries. */
export interface ProtectionHeaders {
  /** Request headers the response depends on: `Authorization`, and `Cookie` when the cookie is read. */
  vary: string;
  /** `Set-Cookie` values that expire leftover chunk cookies. */
  setCookies: readonly string[];
}

/** Builds the contract response of a failure exactly as core rendered it, plus `Vary` and cookie removals. */
export function failureResponse(rendered: RenderedFailure, protection: ProtectionHeaders): Response {
  const headers = new Headers(rendered.headers);
  addProtection(headers, protection);
  return new Response(rendered.body, { status: rendered.status, headers });
}

/**
 * Builds the 403 response of a cross-site request: an RFC 9457 problem with the code
 * `cross_site_request` and no challenge, because new credentials would not help.
 */
export function crossSiteResponse(error: CrossSiteRequestError, protection: ProtectionHeaders): Response {
  const body = JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: error.status, detail: error.description, code: error.code });
  const headers = new Headers({ 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  addProtection(headers, protection);
  return new Response(body, { status: error.status, headers });
}

/** Builds the redirect of a document navigation to the sign-in page, never stored by any cache. */
export function redirectResponse(location: URL, status: 307 | 303, protection: ProtectionHeaders): Response {
  const headers = new Headers({ location: location.href, 'cache-control': 'no-store' });
  addProtection(headers, protection);
  return new Response(null, { status, headers });
}

/**
 * Marks a response of a protected path as private: `Cache-Control` becomes `private, no-store`
 * unless it already is `private` or `no-store` without `public` or `s-maxage`, and `Vary` gains
 * the credential headers. A response with immutable headers is copied first.
 */
export function protectResponse(response: Response, protection: ProtectionHeaders): Response {
  const target = hasMutableHeaders(response) ? response : new Response(response.body, response);
  addProtection(target.headers, protection);
  if (!isPrivate(target.headers.get('cache-control'))) target.headers.set('cache-control', PRIVATE_CACHE_CONTROL);
  return target;
}

/** Adds `Vary` names that are not there yet and the cookie removals. */
export function addProtection(headers: Headers, protection: ProtectionHeaders): void {
  const present = (headers.get('vary') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const missing = protection.vary.split(', ').filter((name) => !present.includes(name.toLowerCase()));
  if (missing.length > 0 && !present.includes('*')) headers.append('vary', missing.join(', '));

  for (const setCookie of protection.setCookies) headers.append('set-cookie', setCookie);
}

function isPrivate(cacheControl: string | null): boolean {
  if (cacheControl === null) return false;
  const directives = cacheControl.split(',').map((directive) => directive.trim().toLowerCase().split('=')[0]);
  const shared = directives.some((name) => name === 'public' || name === 's-maxage');
  return !shared && (directives.includes('private') || directives.includes('no-store'));
}

function hasMutableHeaders(response: Response): boolean {
  try {
    response.headers.set('x-latchkey-probe', '1');
    response.headers.delete('x-latchkey-probe');
  } catch {
    return false;
  }
  return true;
}
