/** Why a key in a fetched key set was not used. */
export type SkippedKeyReason =
  | 'not_an_object'
  | 'encryption_key'
  | 'not_for_verification'
  | 'symmetric_key'
  | 'private_key_material'
  | 'unsupported_key_type'
  | 'weak_rsa_key'
  | 'algorithm_not_allowed';

/** Why a key set fetch failed. */
export type FetchFailureReason = 'network' | 'timeout' | 'status' | 'too_large' | 'not_json' | 'invalid_key_set' | 'no_usable_keys';

/**
 * Structured events of the key sources, for logs and metrics. They carry URLs, key ids and
 * reasons, never key material or tokens. Times are milliseconds.
 */
export type KeySourceEvent =
  | { type: 'jwks_fetch'; url: string; trigger: 'initial' | 'expired' | 'unknown_kid'; durationMs: number; keyCount: number }
  | { type: 'jwks_fetch_failed'; url: string; trigger: 'initial' | 'expired' | 'unknown_kid'; reason: FetchFailureReason; status?: number; durationMs: number }
  | { type: 'jwks_key_skipped'; url: string; kid: string | undefined; reason: SkippedKeyReason }
  | { type: 'jwks_cooldown'; url: string; kid: string | undefined; retryInMs: number }
  | { type: 'jwks_stale_used'; url: string; expiredForMs: number };

export type KeySourceEventListener = (event: KeySourceEvent) => void;
