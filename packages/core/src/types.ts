import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import type { TokenLocation } from './extract.js';

/**
 * The claims of a verified token. Extend it through declaration merging to type your own claims:
 *
 * ```ts
 * declare module '@latchkey/core' {
 *   interface LatchkeyClaims {
 *     tenant_id: string;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declared empty so users can merge into it
export interface LatchkeyClaims {}

/** Claims as verified: the registered JWT claims plus the user-declared ones. */
export type VerifiedClaims = JWTPayload & LatchkeyClaims;

/** The identity latchkey attaches to an authenticated request. */
export interface AuthInfo {
  /** The verified claims. */
  readonly claims: Readonly<VerifiedClaims>;
  /** The token's protected header. */
  readonly header: Readonly<ProtectedHeaderParameters>;
  /** Scopes granted by the `scope` (space-separated) or `scp` (array) claim. */
  readonly scopes: readonly string[];
  /** The token as received, for forwarding to downstream APIs. Never log it. */
  readonly token: string;
  /** Location of the token in the request. */
  readonly location: TokenLocation;
}
