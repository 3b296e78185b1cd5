/** The question a revocation store answers about one verified token. */
export interface RevocationQuery {
  /** The token's `iss`, so equal subjects or token ids of two issuers stay apart. */
  issuer: string | undefined;
  subject: string | undefined;
  tokenId: string | undefined;
}

/** The revocation state of one token as a store records it. */
export interface RevocationState {
  /** Whether the token's `jti` was revoked. */
  revoked: boolean;
  /** The subject's epoch in seconds since the Unix epoch, possibly fractional, if "sign out everywhere" was used. */
  epoch: number | undefined;
}

/**
 * Storage of revoked token ids and per-subject epochs. Every method rejects when the store cannot
 * be reached, so a failed revocation is never reported as a success.
 */
export interface RevocationStore {
  /** Reads the token's revocation and the subject's epoch, in one round trip where the store allows it. */
  lookup(query: RevocationQuery): Promise<RevocationState>;
  /** Revokes one token id until the token expires (`expiresAt`, in seconds since the Unix epoch). */
  revokeToken(token: { issuer?: string | undefined; tokenId: string; expiresAt: number }): Promise<void>;
  /**
   * Rejects every token of the subject issued at or before the epoch ("sign out everywhere") and
   * returns the epoch. The epoch defaults to now; it is kept for `retainFor` seconds, which must
   * be at least the longest token lifetime you accept.
   */
  revokeSubject(subject: { issuer?: string | undefined; subject: string; epoch?: number; retainFor?: number }): Promise<number>;
}

/** The `revocation` option of a verifier. */
export interface RevocationOptions {
  store: RevocationStore;
  /** Seconds a lookup may take before the request fails with 503. Default 0.5. */
  timeout?: number;
  /**
   * Accept tokens while the store cannot be reached, instead of failing them with 503. Off by default,
   * because an outage (which an attacker may provoke) would then un-revoke every token.
   */
  failOpen?: boolean;
}

/** Key under which a store keeps a revoked token id or a subject's epoch. */
export function revocationKey(kind: 'jti' | 'sub', issuer: string | undefined, value: string): string {
  return `${kind}:${encodeURIComponent(issuer ?? '')}:${encodeURIComponent(value)}`;
}
