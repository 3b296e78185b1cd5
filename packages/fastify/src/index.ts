import type { AuthInfo } from '@latchkey/core';
import type { LatchkeyRouteConfig } from './route-policy.js';
import { latchkey } from './plugin.js';

export { latchkey };
export { toCredentialRequest } from './credentials.js';
export { requireClaims, requireScopes, type AuthorizationHook, type AuthorizeOptions } from './authorize.js';
export type { AdapterOptions, LatchkeyOptions } from './options.js';
export type { LatchkeyRouteConfig, RouteAuthMode } from './route-policy.js';
export type { AuthInfo, ClaimRequirement, LatchkeyClaims, VerifiedClaims } from '@latchkey/core';

export default latchkey;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified identity, set by the plugin in `onRequest`. It is null on routes with
     * `config.auth: false` and for anonymous requests on optional routes.
     * NOTE: on routes outside the encapsulation context where the plugin is registered, the
     * property does not exist at run time and reads as undefined.
     */
    auth: AuthInfo | null;
  }

  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the latchkey keys into every route's config
  interface FastifyContextConfig extends LatchkeyRouteConfig {}
}
