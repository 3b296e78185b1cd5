import { randomUUID } from 'node:crypto';
import type { BetterAuthOptions } from 'better-auth';
import { jwt } from 'better-auth/plugins/jwt';
import type Database from 'better-sqlite3';

/** Settings of the example's Better Auth server. */
export interface AuthSettings {
  /** Origin of the app, such as `http://127.0.0.1:3000`. It is also the tokens' `iss`. */
  baseURL: string;
  /** Secret that signs session cookies and encrypts the stored private keys; at least 32 characters. */
  secret: string;
  database: Database.Database;
  /** `aud` of the access tokens: the identifier that the APIs expect. */
  audience: string;
  /** Access-token lifetime in seconds. */
  tokenLifetime: number;
}

/** Scopes every access token carries. The example APIs need `read:items` and `write:items`. */
export const TOKEN_SCOPE = 'read:items write:items';

/** Days, in seconds, that one signing key is used before Better Auth creates the next one. */
const KEY_ROTATION_SECONDS = 30 * 86_400;

/**
 * Seconds a retired key stays in the JWKS. It must exceed the longest token lifetime plus the
 * APIs' key-set cache lifetime, so no valid token meets a key set without its key.
 */
const KEY_GRACE_SECONDS = 86_400;

/**
 * Builds the Better Auth options: email and password sign-in, and the `jwt` plugin issuing
 * EdDSA access tokens at `GET /api/auth/token` with their public keys at `GET /api/auth/jwks`.
 */
export function createAuthOptions(settings: AuthSettings) {
  return {
    baseURL: settings.baseURL,
    secret: settings.secret,
    database: settings.database,
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    plugins: [
      jwt({
        jwks: {
          keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' },
          // Explicit rotation: without it every token shares one key forever, and a fast
          // rotation would hand the APIs a new kid faster than their key cache looks again.
          rotationInterval: KEY_ROTATION_SECONDS,
          gracePeriod: KEY_GRACE_SECONDS,
        },
        jwt: {
          issuer: settings.baseURL,
          // Better Auth's default audience is its own base URL; the APIs expect their identifier.
          audience: settings.audience,
          expirationTime: `${settings.tokenLifetime}s`,
          // Replaces the default payload, the whole user record, with what the APIs need.
          definePayload: () => ({ scope: TOKEN_SCOPE, jti: randomUUID() }),
        },
      }),
    ],
  } satisfies BetterAuthOptions;
}
