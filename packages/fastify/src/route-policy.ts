import { ConfigurationError, type ScopeRequirement, scopeRequirement } from '@latchkey/core';

/** Authentication mode of a route: `required` needs a valid token, `optional` lets anonymous requests through, and `false` skips latchkey. */
export type RouteAuthMode = 'required' | 'optional' | false;

/** The latchkey keys of a route's `config`. Fastify's `FastifyContextConfig` is extended with them. */
export interface LatchkeyRouteConfig {
  /**
   * `false` makes the route public: no token is read and `request.auth` stays null. `'optional'`
   * lets requests without credentials through as anonymous but still rejects a bad token.
   * `'required'` needs a valid token. Default: `'required'`, or `'optional'` when the plugin
   * was registered with `optional: true`.
   */
  auth?: RouteAuthMode;
  /** Scopes the token must grant, checked in `onRequest` right after authentication. Missing scopes get a 403 `insufficient_scope` response. */
  scopes?: string | readonly string[];
  /** `all` (default) needs every scope in `scopes`; `any` needs at least one. */
  scopeMatch?: 'all' | 'any';
}

/** Settings of the authentication hook for one route. */
export interface RoutePolicy {
  mode: 'required' | 'optional' | 'public';
  scopes: ScopeRequirement | undefined;
}

/** The route fields a policy is built from: those of Fastify's `onRoute` options and of a route's context config. */
export interface RouteDescription {
  method?: string | readonly string[] | undefined;
  url?: string | undefined;
  config?: LatchkeyRouteConfig | undefined;
}

/**
 * Builds the policy of one route from its `config`. Throws a ConfigurationError that names the
 * config key, the route and the fix.
 */
export function compileRoutePolicy(route: RouteDescription, optionalByDefault: boolean): RoutePolicy {
  const config = route.config ?? {};
  const name = routeName(route);

  const auth = checkAuth(config.auth, name);
  const scopes = compileScopes(config, name);

  if (scopes !== undefined && auth !== undefined && auth !== 'required') {
    throw new ConfigurationError(
      'config.scopes',
      `of route ${name} cannot be checked with auth ${JSON.stringify(auth)}, because a request without a token has no scopes`,
      'Remove config.auth or set it to "required"',
    );
  }

  // Scopes need a token, so they make a route required even under `optional: true`.
  if (scopes !== undefined) return Object.freeze({ mode: 'required', scopes });
  return Object.freeze({ mode: toMode(auth, optionalByDefault), scopes: undefined });
}

function toMode(auth: RouteAuthMode | undefined, optionalByDefault: boolean): RoutePolicy['mode'] {
  if (auth === false) return 'public';
  return auth ?? (optionalByDefault ? 'optional' : 'required');
}

function checkAuth(value: unknown, name: string): RouteAuthMode | undefined {
  if (value === undefined || value === false || value === 'required' || value === 'optional') return value;

  throw new ConfigurationError(
    'config.auth',
    `of route ${name} must be "required", "optional" or false, not ${JSON.stringify(value)}`,
    'Use false for a public route, "optional" to let anonymous requests through, or leave it unset',
  );
}

function compileScopes(config: LatchkeyRouteConfig, name: string): ScopeRequirement | undefined {
  const { scopes, scopeMatch } = config;

  if (scopeMatch !== undefined && scopeMatch !== 'all' && scopeMatch !== 'any') {
    throw new ConfigurationError('config.scopeMatch', `of route ${name} must be "all" or "any", not ${JSON.stringify(scopeMatch)}`, 'Leave it unset to require every scope');
  }
  if (scopes === undefined) {
    if (scopeMatch !== undefined) {
      throw new ConfigurationError('config.scopeMatch', `of route ${name} is set without config.scopes`, 'List the scopes in config.scopes, or remove config.scopeMatch');
    }
    return undefined;
  }

  const list: unknown = typeof scopes === 'string' ? [scopes] : scopes;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigurationError('config.scopes', `of route ${name} must be a scope or a non-empty array of scopes`, 'Write for example scopes: ["read:items"]');
  }

  try {
    return scopeRequirement(list as string[], scopeMatch);
  } catch (error) {
    throw error instanceof ConfigurationError ? atRoute(error, 'config.scopes', name) : error;
  }
}

/** Raises a core ConfigurationError again under the route's config key, naming the route. */
function atRoute(error: ConfigurationError, option: string, name: string): ConfigurationError {
  return new ConfigurationError(option, error.problem, `${error.fix}. Fix it in the config of route ${name}`, { cause: error });
}

function routeName(route: RouteDescription): string {
  const method = Array.isArray(route.method) ? route.method.join(',') : (route.method ?? 'ANY');
  return `${method} ${route.url ?? '(not found handler)'}`;
}
