import type { JWTPayload } from 'jose';
import { ConfigurationError, RevocationUnavailableError } from '../errors.js';
import type { RevocationEvent } from '../events.js';
import { invalidToken } from '../map-error.js';
import { OperationTimeoutError, withTimeout } from './timeout.js';
import type { RevocationOptions } from './types.js';

/** Seconds a client is asked to wait after the revocation store could not be reached. */
const RETRY_AFTER_SECONDS = 5;

/** Checks one verified token against the revocation store; resolves when the token may pass. */
export type RevocationCheck = (claims: JWTPayload) => Promise<void>;


/**
 * Builds the revocation check of a verifier. A revoked `jti`, or an `iat` at or before the
 * subject's epoch rounded down to the second, rejects the token with `token_revoked`. A token
 * without `iat` cannot prove it was issued after the epoch, so it is rejected too. A store that fails
 * or takes longer than the timeout fails the request with 503 `revocation_unavailable`, unless `failOpen` is set.
 * The first failure of an outage and the recovery are reported once each.
 */
export function createRevocationCheck(options: RevocationOptions | undefined, emit: (event: RevocationEvent) => void, clock: () => number): RevocationCheck | undefined {
  if (options === undefined) return undefined;

  const { store, failOpen, timeoutMs } = checkOptions(options);
  let outageStartedAt: number | undefined;

  return async (claims) => {
    let state;
    try {
      state = await withTimeout(store.lookup({ issuer: claims.iss, subject: claims.sub, tokenId: claims.jti }), timeoutMs, 'Revocation lookup');
    } catch (error) {
      if (outageStartedAt === undefined) {
        outageStartedAt = clock();
        emit({ type: 'revocation_unavailable', reason: error instanceof OperationTimeoutError ? 'timeout' : 'error', failOpen });
      }
      if (failOpen) return;
      throw new RevocationUnavailableError({ description: 'Token revocation cannot be checked right now; retry later', retryAfter: RETRY_AFTER_SECONDS, cause: error });
    }

    if (outageStartedAt !== undefined) {
      emit({ type: 'revocation_recovered', outageMs: clock() - outageStartedAt });
      outageStartedAt = undefined;
    }
    if (state.revoked) throw invalidToken('token_revoked');
    if (state.epoch !== undefined && !(typeof claims.iat === 'number' && claims.iat > Math.floor(state.epoch))) throw invalidToken('token_revoked');
  };
}

function checkOptions(options: RevocationOptions): { store: RevocationOptions['store']; failOpen: boolean; timeoutMs: number } {
  if (typeof options.store?.lookup !== 'function') {
    throw new ConfigurationError('revocation.store', 'is not a revocation store', 'Pass createMemoryRevocationStore() or createRedisRevocationStore({ client })');
  }
  const timeout = options.timeout ?? 0.5;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new ConfigurationError('revocation.timeout', 'must be a positive number of seconds', 'Pass a number such as 0.5');
  }
  if (options.failOpen !== undefined && typeof options.failOpen !== 'boolean') {
    throw new ConfigurationError('revocation.failOpen', 'must be a boolean', 'Leave it unset to reject requests with 503 while the store is unreachable');
  }
  return { store: options.store, failOpen: options.failOpen ?? false, timeoutMs: timeout * 1000 };
}
