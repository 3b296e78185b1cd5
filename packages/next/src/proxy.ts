import type { ScopeRequirement } from '@latchkey/core';
import { NextResponse, type NextRequest } from 'next/server.js';
import { type AdapterContext, authenticateRequest, type AuthOutcome } from './authenticate.js';
import { canonicalPath } from './canonical-path.js';
import { RESERVED_HEADER_PREFIX } from './options.js';
import { isDocumentRequest, isSafeMethod } from './request-kind.js';
import { crossSiteResponse, failureResponse, PRIVATE_CACHE_CONTROL, redirectResponse } from './responses.js';
import { renderWith } from './shared-verifier.js';

/** The function to export from `proxy.ts` (Node.js runtime) or `middleware.ts` (Edge runtime). */
export type ProxyHandler = (request: NextRequest | Request) => Promise<Response>;

/** Treatment of one request path by the proxy. */
type PathDecision = { kind: 'public' } | { kind: 'protected'; api: boolean; scopes: readonly ScopeRequirement[] };

/**
 * Creates the proxy. Public paths pass through untouched. Every other path needs a valid token:
 * a document navigation without one is redirected to the sign-in page, every other request gets
 * the contract response (401, 400, 403 or 503). Authenticated responses are marked private.
 * Forwarded-identity headers sent by the client are removed on every path.
 */
export function createProxy(context: AdapterContext): ProxyHandler {
  return async (request) => {
    const decision = decidePath(context, request);
    if (decision.kind === 'public') return passThrough(context, request, undefined);

    const outcome = await authenticateRequest(context, request, { optional: false, unsafe: !isSafeMethod(request.method), scopes: decision.scopes });
    if (outcome.kind === 'authenticated') return protectedPassThrough(context, request, outcome);

    return rejection(context, request, decision.api, outcome);
  };
}

function decidePath(context: AdapterContext, request: NextRequest | Request): PathDecision {
  const { adapter } = context;
  const path = canonicalPath(rawPathname(request), adapter.locales);

  if (!path.unusual && (adapter.isAsset(path.pathname) || adapter.isPublic(path.pathname))) return { kind: 'public' };

  const method = request.method.toUpperCase();
  const scopes = adapter.scopeRules
    .filter((rule) => rule.test(path.pathname) && (rule.methods === undefined || rule.methods.has(method)))
    .map((rule) => rule.requirement);
  return { kind: 'protected', api: adapter.isApi(path.pathname), scopes };
}

/** Next.js gives the proxy a NextRequest whose `nextUrl` has the base path and locale removed. */
function rawPathname(request: NextRequest | Request): string {
  return 'nextUrl' in request ? request.nextUrl.pathname : new URL(request.url).pathname;
}

function rejection(context: AdapterContext, request: NextRequest | Request, api: boolean, outcome: Exclude<AuthOutcome, { kind: 'authenticated' }>): Response {
  const { protection } = outcome;
  if (outcome.kind === 'cross-site') return crossSiteResponse(outcome.error, protection);
  if (outcome.kind === 'anonymous') throw new Error('latchkey: the proxy authenticated a protected path as optional');

  const signInCanHelp = outcome.failure.status === 401 || outcome.failure.status === 400;
  if (!api && signInCanHelp && isDocumentRequest(request.method, request.headers)) {
    return redirectResponse(signInLocation(context, request), context.adapter.redirectStatus, protection);
  }
  return failureResponse(renderWith(context.verifier, outcome.failure), protection);
}

/**
 * The sign-in URL with the path to return to. Next.js needs an absolute `Location` from a proxy
 * and turns a same-origin one back into a relative path. The return path is the request's own
 * path and query with leading slashes collapsed, so it cannot name another host (`//evil.example`).
 */
export function signInLocation(context: AdapterContext, request: Request): URL {
  const { signIn, returnToParameter } = context.adapter;
  const requested = new URL(request.url);
  const returnTo = `/${requested.pathname.replace(/^[/\\]+/, '')}${requested.search}`;

  const location = new URL(signIn.url, requested);
  location.searchParams.set(returnToParameter, returnTo);
  return location;
}

function protectedPassThrough(context: AdapterContext, request: NextRequest | Request, outcome: Extract<AuthOutcome, { kind: 'authenticated' }>): Response {
  const response = passThrough(context, request, outcome.auth.claims.sub);
  response.headers.set('cache-control', PRIVATE_CACHE_CONTROL);
  response.headers.set('vary', outcome.protection.vary);
  for (const setCookie of outcome.protection.setCookies) response.headers.append('set-cookie', setCookie);
  return response;
}

/**
 * Lets the request go on, without any client-sent copy of the forwarded-identity headers. When
 * `subjectHeader` is set, an authenticated request carries the verified `sub` in it.
 */
function passThrough(context: AdapterContext, request: NextRequest | Request, subject: string | undefined): Response {
  const { subjectHeader } = context.adapter;
  const headers = new Headers(request.headers);
  let changed = false;

  const untrusted: string[] = [];
  headers.forEach((_value, name) => {
    if (name.startsWith(RESERVED_HEADER_PREFIX) || name === subjectHeader) untrusted.push(name);
  });
  for (const name of untrusted) {
    headers.delete(name);
    changed = true;
  }
  if (subjectHeader !== undefined && subject !== undefined) {
    headers.set(subjectHeader, subject);
    changed = true;
  }

  return changed ? NextResponse.next({ request: { headers } }) : NextResponse.next();
}
