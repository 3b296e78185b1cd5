import { ConfigurationError, InsufficientScopeError } from './errors.js';
import { isScopeToken } from './text.js';
import type { AuthInfo, VerifiedClaims } from './types.js';

/**
 * Reads granted scopes from `scope`, a space-separated string (RFC 9068 §2.2.3), and `scp`, a
 * string or an array as some identity providers send it. A `scope` that is not a string grants
 * nothing. Scopes are compared exactly, so `WRITE:ITEMS` is not `write:items`.
 */
export function scopesOf(claims: Record<string, unknown>): readonly string[] {
  const scopes = new Set<string>();
  const scope = claims['scope'];
  const scp = claims['scp'];

  for (const value of [typeof scope === 'string' ? scope : undefined, scp]) {
    const entries = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const entry of entries) {
      if (typeof entry === 'string' && entry !== '') scopes.add(entry);
    }
  }
  return Object.freeze([...scopes]);
}

export interface ScopeRequirement {
  scopes: readonly string[];
  /** `all` (default) needs every scope; `any` needs at least one. */
  match: 'all' | 'any';
}

/** Checks scope names when a route is declared, so a typo fails at start-up. */
export function scopeRequirement(scopes: readonly string[], match: 'all' | 'any' = 'all'): ScopeRequirement {
  if (scopes.length === 0) {
    throw new ConfigurationError('scopes', 'is empty', 'Name at least one scope, for example requireScopes("read:items")');
  }
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !isScopeToken(scope)) {
      throw new ConfigurationError('scopes', `contains the invalid scope ${JSON.stringify(scope)}`, 'A scope is one word of printable ASCII without spaces, quotes or backslashes');
    }
  }
  if (match !== 'all' && match !== 'any') {
    throw new ConfigurationError('match', `must be "all" or "any", not ${JSON.stringify(match)}`, 'Leave it unset to require every scope');
  }
  return Object.freeze({ scopes: Object.freeze([...scopes]), match });
}

/** Throws a 403 `insufficient_scope` failure unless the identity has the required scopes. */
export function checkScopes(auth: AuthInfo, requirement: ScopeRequirement): void {
  const granted = new Set(auth.scopes);
  const passes =
    requirement.match === 'all'
      ? requirement.scopes.every((scope) => granted.has(scope))
      : requirement.scopes.some((scope) => granted.has(scope));

  if (!passes) {
    throw new InsufficientScopeError('scope_insufficient', {
      description: 'The token lacks a scope this resource requires',
      requiredScopes: requirement.scopes,
    });
  }
}

/** Expected claim values, or a predicate over the verified claims. */
export type ClaimRequirement = Readonly<Record<string, string | number | boolean>> | ((claims: Readonly<VerifiedClaims>) => boolean);

/** Checks a claim requirement when a route is declared. */
export function claimRequirement(requirement: ClaimRequirement): ClaimRequirement {
  if (typeof requirement === 'function') return requirement;

  if (typeof requirement !== 'object' || requirement === null || Object.keys(requirement).length === 0) {
    throw new ConfigurationError('claims', 'must be a non-empty object of expected values or a predicate function', 'Pass for example { tenant_id: "acme" } or (claims) => claims.email_verified === true');
  }
  return Object.freeze({ ...requirement });
}

/**
 * Throws a 403 `insufficient_scope` failure unless the verified claims meet the requirement.
 * An object requirement matches claims by strict equality; an array claim matches when it
 * contains the expected value.
 */
export function checkClaims(auth: AuthInfo, requirement: ClaimRequirement): void {
  if (!claimsPass(auth.claims, requirement)) {
    throw new InsufficientScopeError('claims_insufficient', { description: 'The token lacks a claim value this resource requires' });
  }
}

function claimsPass(claims: Readonly<VerifiedClaims>, requirement: ClaimRequirement): boolean {
  if (typeof requirement === 'function') return requirement(claims) === true;

  return Object.entries(requirement).every(([name, expected]) => {
    const actual = (claims as Record<string, unknown>)[name];
    return Array.isArray(actual) ? actual.includes(expected) : actual === expected;
  });
}
