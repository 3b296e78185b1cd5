import { type AuthInfo, ConfigurationError, type ScopeRequirement, scopeRequirement } from '@latchkey/core';
import { NextRequest } from 'next/server.js';
import { type AdapterContext, authenticateRequest } from './authenticate.js';
import { isSafeMethod } from './request-kind.js';
import { crossSiteResponse, failureResponse, protectResponse } from './responses.js';
import { renderWith } from './shared-verifier.js';

/** The second argument Next.js passes to a route handler when the route has no dynamic segments. */
export interface DefaultRouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** Options of `withAuth`. */
export interface WithAuthOptions {
  /** Scopes the token must grant; a missing one gets a 403 `insufficient_scope` response. */
  scopes?: string | readonly string[];
  /** `all` (default) needs every scope; `any` needs at least one. */
  scopeMatch?: 'all' | 'any';
  /** Let requests without any credentials through with `auth: null`. A bad token is still rejected. Default false. */
  optional?: boolean;
}

/** A route handler that receives the verified identity next to Next.js's own context. */
export type AuthenticatedRouteHandler<Context, Auth extends AuthInfo | null = AuthInfo> = (
  request: NextRequest,
  context: Context & { auth: Auth },
) => Response | Promise<Response>;

/** The wrapped handler, to export as `GET`, `POST`, … from `route.ts`. */
export type RouteHandler<Context> = (request: Request, context: Context) => Promise<Response>;

/** The `withAuth` function of a latchkey instance. */
export interface WithAuth {
  <Context = DefaultRouteContext>(handler: AuthenticatedRouteHandler<Context>, options?: WithAuthOptions & { optional?: false }): RouteHandler<Context>;
  <Context = DefaultRouteContext>(handler: AuthenticatedRouteHandler<Context, AuthInfo | null>, options: WithAuthOptions & { optional: true }): RouteHandler<Context>;
}

/**
 * Creates `withAuth`. The wrapper verifies the request itself, so the route stays protected when
 * no proxy runs for it: a matcher that misses the path, or a framework bug that skips the proxy.
 * It never reads identity headers set by a proxy. Failures get the contract response, never a
 * redirect, and every response is marked private.
 */
export function createWithAuth(context: AdapterContext): WithAuth {
  return (<Context>(handler: AuthenticatedRouteHandler<Context, AuthInfo | null>, options: WithAuthOptions = {}): RouteHandler<Context> => {
    const scopes = compileScopes(options);
    const optional = options.optional ?? false;

    return async (request, routeContext) => {
      // `instanceof` fails when another bundle's copy of next/server created the request.
      const nextRequest = 'nextUrl' in request ? (request as NextRequest) : new NextRequest(request);
      const outcome = await authenticateRequest(context, nextRequest, { optional, unsafe: !isSafeMethod(nextRequest.method), scopes });

      if (outcome.kind === 'cross-site') return crossSiteResponse(outcome.error, outcome.protection);
      if (outcome.kind === 'failed') return failureResponse(renderWith(context.verifier, outcome.failure), outcome.protection);

      const auth = outcome.kind === 'authenticated' ? outcome.auth : null;
      const response = await handler(nextRequest, { ...routeContext, auth });
      return protectResponse(response, outcome.protection);
    };
  }) as WithAuth;
}

function compileScopes(options: WithAuthOptions): readonly ScopeRequirement[] {
  if (options.scopes === undefined) return [];
  if (options.optional === true) {
    throw new ConfigurationError('scopes', 'cannot be checked with optional: true, because a request without a token has no scopes', 'Remove optional, or check the scopes in the handler');
  }
  const list = typeof options.scopes === 'string' ? [options.scopes] : options.scopes;
  return [scopeRequirement(list, options.scopeMatch)];
}
