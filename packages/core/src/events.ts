/** Reason a key in a fetched key set was not used. */
export type SkippedKeyReason =
  | 'not_an_object'
  | 'encryption_key'
  | 'not_for_verification'
  | 'symmetric_key'
  | 'private_key_material'
  | 'unsupported_key_type'
  | 'weak_rsa_key'
  | 'algorithm_not_allowed';

/** Reason a key set or metadata fetch failed. */
export type FetchFailureReason =
  | 'network'
  | 'timeout'
  | 'status'
  | 'too_large'
  | 'not_json'
  | 'invalid_key_set'
  | 'no_usable_keys'
  | 'invalid_metadata'
  | 'issuer_mismatch'
  | 'rate_limited';

/** Cause of a key source fetch. */
export type FetchTrigger = 'initial' | 'expired' | 'refresh_ahead' | 'unknown_kid' | 'preload';

/**
 * Structured events of the key sources, for logs and metrics. They carry issuers, URLs, key ids
 * and reasons, never key material or tokens. Durations are in milliseconds.
 */
export type KeySourceEvent =
  | { type: 'discovery'; issuer: string; url: string; jwksUri: string; durationMs: number }
  | { type: 'discovery_failed'; issuer: string; url: string; reason: FetchFailureReason; status?: number; durationMs: number }
  | { type: 'jwks_fetch'; issuer: string | undefined; url: string; trigger: FetchTrigger; durationMs: number; keyCount: number; lifetimeMs: number }
  | { type: 'jwks_fetch_failed'; issuer: string | undefined; url: string; trigger: FetchTrigger; reason: FetchFailureReason; status?: number; durationMs: number }
  | { type: 'jwks_key_skipped'; issuer: string | undefined; url: string; kid: string | undefined; reason: SkippedKeyReason }
  | { type: 'jwks_cooldown'; issuer: string | undefined; url: string; kid: string | undefined; retryInMs: number }
  | { type: 'jwks_stale_used'; issuer: string | undefined; url: string; expiredForMs: number };

export type KeySourceEventListener = (event: KeySourceEvent) => void;

/** Name of the `node:diagnostics_channel` channel that every key source event is published on. */
export const DIAGNOSTICS_CHANNEL = 'latchkey:key-source';

/** Events of the revocation check: an outage starting, and its end. */
export type RevocationEvent =
  | { type: 'revocation_unavailable'; reason: 'timeout' | 'error'; failOpen: boolean }
  | { type: 'revocation_recovered'; outageMs: number };

/** Every event a verifier reports. */
export type LatchkeyEvent = KeySourceEvent | RevocationEvent;

export type LatchkeyEventListener = (event: LatchkeyEvent) => void;
