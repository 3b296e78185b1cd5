import type { RevocationStore } from '@latchkey/core';

/** The part of a Better Auth instance that signing out everywhere needs. */
interface SessionApi {
  api: {
    getSession(context: { headers: Headers }): Promise<{ user: { id: string } } | null>;
    revokeSessions(context: { headers: Headers }): Promise<unknown>;
  };
}

/**
 * Ends every session of the signed-in user, so no new token can be issued, and records an epoch
 * that rejects every token already issued. Returns the epoch, or null without a session.
 */
export async function signOutEverywhere(auth: SessionApi, store: RevocationStore, issuer: string, headers: Headers): Promise<number | null> {
  const session = await auth.api.getSession({ headers });
  if (session === null) return null;

  await auth.api.revokeSessions({ headers });
  return store.revokeSubject({ issuer, subject: session.user.id });
}
