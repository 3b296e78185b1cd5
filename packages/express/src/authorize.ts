import {
  checkClaims,
  checkScopes,
  type ClaimRequirement,
  claimRequirement,
  CredentialsMissingError,
  isLatchkeyError,
  type LatchkeyError,
  scopeRequirement,
} from '@latchkey/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendFailure } from './respond.js';

export interface AuthorizeOptions {
  /** `all` (default) needs every scope; `any` needs at least one. */
  match?: 'all' | 'any';
  /** `respond` (default) sends the 403 response; `next` passes the failure to `next(err)`. */
  onFailure?: 'respond' | 'next';
}

/**
 * Creates middleware that responds 403 `insufficient_scope` unless `req.auth` has the scopes.
 * It never authenticates: mount it after `latchkey()`. Without `req.auth` it responds 401.
 */
export function requireScopes(scopes: string | readonly string[], options: AuthorizeOptions = {}): RequestHandler {
  const requirement = scopeRequirement(typeof scopes === 'string' ? [scopes] : scopes, options.match);
  return authorize((request) => checkScopes(authOf(request), requirement), options.onFailure);
}

/** Creates middleware that responds 403 `insufficient_scope` unless the verified claims meet the requirement. */
export function requireClaims(requirement: ClaimRequirement, options: Pick<AuthorizeOptions, 'onFailure'> = {}): RequestHandler {
  const checked = claimRequirement(requirement);
  return authorize((request) => checkClaims(authOf(request), checked), options.onFailure);
}

function authorize(check: (request: Request) => void, onFailure: AuthorizeOptions['onFailure']): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    try {
      check(request);
    } catch (error) {
      if (!isLatchkeyError(error) || onFailure === 'next') return next(error);
      return sendFailure(request, response, error as LatchkeyError);
    }
    next();
  };
}

function authOf(request: Request) {
  if (request.auth === undefined) throw new CredentialsMissingError();
  return request.auth;
}
