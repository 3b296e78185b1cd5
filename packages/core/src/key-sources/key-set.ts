import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { algorithmsOfJwk } from '../config/key-source.js';
import type { SkippedKeyReason } from '../events.js';
import type { Algorithm } from '../options.js';

const MIN_RSA_BITS = 2048;

export interface SkippedKey {
  kid: string | undefined;
  reason: SkippedKeyReason;
}

/** A key set reduced to the keys that may verify tokens, and a resolver over them. */
export interface UsableKeySet {
  resolver: JWTVerifyGetKey;
  kids: readonly (string | undefined)[];
  skipped: readonly SkippedKey[];
}

/**
 * Keeps the signing keys that fit the algorithm allowlist and drops the others with a reason,
 * so one odd entry never fails the whole set. Selection by `kid`, `kty`, `crv` and the key's own
 * `alg` is then jose's: a key that states an `alg` only verifies tokens of that `alg`.
 */
export function toUsableKeySet(keys: readonly unknown[], algorithms: readonly Algorithm[]): UsableKeySet {
  const usable: JWK[] = [];
  const skipped: SkippedKey[] = [];

  for (const entry of keys) {
    const reason = skipReason(entry, algorithms);
    if (reason === undefined) usable.push(entry as JWK);
    else skipped.push({ kid: kidOf(entry), reason });
  }

  const jwks: JSONWebKeySet = { keys: usable };
  return { resolver: createLocalJWKSet(jwks), kids: usable.map((jwk) => jwk.kid), skipped };
}

function skipReason(entry: unknown, algorithms: readonly Algorithm[]): SkippedKeyReason | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'not_an_object';

  const jwk = entry as JWK;
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'encryption_key';
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return 'not_for_verification';
  if (jwk.kty === 'oct') return 'symmetric_key';
  if ('d' in jwk) return 'private_key_material';

  const keyAlgorithms = algorithmsOfJwk(jwk);
  if (keyAlgorithms.length === 0) return 'unsupported_key_type';
  if (jwk.kty === 'RSA' && rsaBits(jwk.n) < MIN_RSA_BITS) return 'weak_rsa_key';
  if (typeof jwk.alg === 'string' && !algorithms.includes(jwk.alg as Algorithm)) return 'algorithm_not_allowed';
  if (!keyAlgorithms.some((algorithm) => algorithms.includes(algorithm))) return 'algorithm_not_allowed';
  return undefined;
}

function rsaBits(modulus: unknown): number {
  if (typeof modulus !== 'string') return 0;
  return Math.floor((modulus.replace(/=+$/, '').length * 6) / 8) * 8;
}

function kidOf(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const kid = (entry as { kid?: unknown }).kid;
  return typeof kid === 'string' ? kid : undefined;
}
