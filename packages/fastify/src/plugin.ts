import { type AuthInfo, checkScopes, isLatchkeyError, type Verifier } from '@latchkey/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { toCredentialRequest } from './credentials.js';
import { type LatchkeyOptions, resolveOptions } from './options.js';
import { decorateRenderer, hasRenderer, sendFailure } from './respond.js';
import { compileRoutePolicy, type RouteDescription, type RoutePolicy } from './route-policy.js';

/**
 * Checks the options, decorates `request.auth`, validates the latchkey config of every route
 * registered after the plugin, and authenticates each request in `onRequest`.
 */
async function latchkeyPlugin(fastify: FastifyInstance, options: LatchkeyOptions): Promise<void> {
  rejectSecondRegistration(fastify);
  const { verifier, optional } = resolveOptions(options);
  const policies = createPolicyCache(optional);

  // Fastify 5 rejects reference types as request decorator defaults, so the default is null.
  fastify.decorateRequest('auth', null);
  decorateRenderer(fastify, verifier.render);

  fastify.addHook('onRoute', (route: RouteOptions) => {
    compileRoutePolicy(route, optional);
  });
  fastify.addHook('onRequest', createAuthenticationHook(verifier, policies));
}

/**
 * Protects every route of the encapsulation context it is registered in, and of that context's
 * children. Register it inside a scoped plugin to protect only that plugin's routes.
 *
 * ```ts
 * await app.register(latchkey, { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' });
 * ```
 */
export const latchkey = fastifyPlugin(latchkeyPlugin, { fastify: '5.x', name: '@latchkey/fastify' });

function rejectSecondRegistration(fastify: FastifyInstance): void {
  if (hasRenderer(fastify)) {
    throw new Error(
      'latchkey: the plugin is already registered in this encapsulation context or a parent of it, so every request would be verified twice. ' +
        'Register it once, or register each copy in its own plugin, with neither plugin inside the other.',
    );
  }
  if (fastify.hasRequestDecorator('auth')) {
    throw new Error('latchkey: another plugin already decorates request.auth in this encapsulation context. Remove that decorator, or register latchkey in a separate scoped plugin.');
  }
}

interface PolicyCache {
  /** Returns the policy of the request's route, or of the not-found handler for a request that matched no route. */
  forRequest(request: FastifyRequest): RoutePolicy;
}

/**
 * Builds each route's policy on its first request and keeps it, keyed by the route's context
 * config, which Fastify creates once per route. The `onRoute` hook runs only for routes registered
 * after the plugin has loaded, so the routes declared before that are checked here.
 */
function createPolicyCache(optional: boolean): PolicyCache {
  const cache = new WeakMap<object, RoutePolicy>();
  const fallback = compileRoutePolicy({}, optional);

  return {
    forRequest(request) {
      const config = request.routeOptions.config as RouteDescription['config'] & { url?: string; method?: string };
      if (config === undefined) return fallback;

      let policy = cache.get(config);
      if (policy === undefined) {
        policy = compileRoutePolicy({ method: config.method, url: config.url, config }, optional);
        cache.set(config, policy);
      }
      return policy;
    },
  };
}

/**
 * Creates the `onRequest` hook. It runs before the body is parsed, so a rejected request costs
 * no parsing. A failure is sent directly and never thrown, so neither Fastify's error handler
 * nor one set with `setErrorHandler` can change it. Errors that are not latchkey failures go to
 * the error handler as usual.
 */
function createAuthenticationHook(verifier: Verifier, policies: PolicyCache): onRequestAsyncHookHandler {
  return async function authenticateRequest(request: FastifyRequest, reply: FastifyReply) {
    const policy = policies.forRequest(request);
    if (policy.mode === 'public') return;

    try {
      const auth = await authenticate(verifier, request, policy);
      request.auth = auth;
      if (auth !== null && policy.scopes !== undefined) checkScopes(auth, policy.scopes);
    } catch (error) {
      if (!isLatchkeyError(error)) throw error;
      // Returning the reply makes Fastify wait for the response and skip the rest of the lifecycle.
      return sendFailure(request, reply, error);
    }
  };
}

function authenticate(verifier: Verifier, request: FastifyRequest, policy: RoutePolicy): Promise<AuthInfo | null> {
  const credentials = toCredentialRequest(request);
  return policy.mode === 'optional' ? verifier.authenticateOptional(credentials) : verifier.authenticate(credentials);
}
