// Renamed on import: inside `namespace Express`, a bare `AuthInfo` would resolve to another
// package's declaration of that name, such as @types/passport's.
import type { AuthInfo as LatchkeyAuthInfo } from '@latchkey/core';

export { latchkey, toCredentialRequest, type AdapterOptions, type LatchkeyOptions } from './middleware.js';
export { requireClaims, requireScopes, type AuthorizeOptions } from './authorize.js';
export { latchkeyErrorHandler } from './error-handler.js';
export type { AuthInfo, LatchkeyClaims, VerifiedClaims } from '@latchkey/core';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types its request through this global namespace
  namespace Express {
    interface Request {
      /** The verified identity. Set by `latchkey()`; undefined on public routes and for anonymous requests under `optional: true`. */
      auth?: LatchkeyAuthInfo;
    }
  }
}
