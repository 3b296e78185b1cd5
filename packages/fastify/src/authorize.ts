import {
  type AuthInfo,
  checkClaims,
  checkScopes,
  type ClaimRequirement,
  claimRequirement,
  CredentialsMissingError,
  isLatchkeyError,
  scopeRequirement,
} from '@latchkey/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendFailure } from './respond.js';

export interface AuthorizeOptions {
  /** `all` (default) needs every scope; `any` needs at least one. */
  match?: 'all' | 'any';
}

/**
 * A hook that checks `request.auth`. It fits `preHandler`, `preValidation` and a route-level
 * `onRequest`, which all run after the plugin's own `onRequest` hook.
 */
export type AuthorizationHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * Creates a hook that sends 403 `insufficient_scope` unless `request.auth` has the scopes.
 * It never authenticates, so the route must be protected by the plugin. Without `request.auth`,
 * as on a public route or for an anonymous request, it sends 401 with a bare challenge.
 *
 * ```ts
 * app.delete('/items/:id', { preHandler: requireScopes('delete:items') }, handler);
 * ```
 */
export function requireScopes(scopes: string | readonly string[], options: AuthorizeOptions = {}): AuthorizationHook {
  const requirement = scopeRequirement(typeof scopes === 'string' ? [scopes] : scopes, options.match);
  return authorize((auth) => checkScopes(auth, requirement));
}

/**
 * Creates a hook that sends 403 `insufficient_scope` unless the verified claims meet the
 * requirement, which is an object of expected values or a predicate over the claims. Like
 * `requireScopes`, it never authenticates and sends 401 without `request.auth`.
 */
export function requireClaims(requirement: ClaimRequirement): AuthorizationHook {
  const checked = claimRequirement(requirement);
  return authorize((auth) => checkClaims(auth, checked));
}

function authorize(check: (auth: AuthInfo) => void): AuthorizationHook {
  return async function authorizeRequest(request, reply) {
    try {
      check(authOf(request));
    } catch (error) {
      if (!isLatchkeyError(error)) throw error;
      return sendFailure(request, reply, error);
    }
    return undefined;
  };
}

function authOf(request: FastifyRequest): AuthInfo {
  // `auth` is undefined outside the context where the plugin is registered, and null on public routes and for anonymous requests.
  const auth: AuthInfo | null | undefined = request.auth;
  if (auth === null || auth === undefined) throw new CredentialsMissingError();
  return auth;
}
