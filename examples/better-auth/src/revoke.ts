import { type AuthInfo, renderFailure, RevocationUnavailableError, type RevocationStore } from '@latchkey/core';

/** A response for either framework to send as it is. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Seconds a client should wait before retrying when the store could not record a revocation. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Revokes the token that authenticated the request, until its `exp`, so any copy of it is rejected
 * at once. A store failure returns 503 `revocation_unavailable`, never a false success.
 */
export async function revokePresentedToken(auth: AuthInfo, store: RevocationStore): Promise<Answer> {
  const { iss, jti, exp } = auth.claims;
  if (typeof jti !== 'string' || typeof exp !== 'number') {
    return problem(400, 'token_id_missing', 'The token has no "jti" or "exp" claim, so it cannot be revoked on its own. Configure the issuer to set both.');
  }

  try {
    await store.revokeToken({ issuer: iss, tokenId: jti, expiresAt: exp });
  } catch (error) {
    const failure = new RevocationUnavailableError({ description: 'The revocation could not be recorded; retry later', retryAfter: RETRY_AFTER_SECONDS, cause: error });
    const rendered = renderFailure(failure);
    return { status: rendered.status, headers: { ...rendered.headers }, body: rendered.body };
  }

  return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}

function problem(status: number, code: string, detail: string): Answer {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({ type: 'about:blank', title: 'Bad Request', status, detail, code }),
  };
}
