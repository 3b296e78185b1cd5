import { ConfigurationError } from '../errors.js';
import type { Algorithm } from '../options.js';

export const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
export const EC_ALGORITHMS = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const;
export const OKP_ALGORITHMS = ['EdDSA', 'Ed25519'] as const;
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

export const ASYMMETRIC_ALGORITHMS: readonly Algorithm[] = [...RSA_ALGORITHMS, ...Object.values(EC_ALGORITHMS), ...OKP_ALGORITHMS];
const KNOWN_ALGORITHMS: ReadonlySet<string> = new Set<string>([...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS]);

/** Minimum HMAC key length in bytes: the hash output size (RFC 7518 §3.2). */
export const HMAC_MIN_KEY_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export function isHmacAlgorithm(algorithm: string): boolean {
  return (HMAC_ALGORITHMS as readonly string[]).includes(algorithm);
}

/** Checks an explicit `algorithms` option against the kind of key source. */
export function resolveAlgorithms(value: readonly string[] | undefined, keySource: 'secret' | 'asymmetric', fallback: readonly Algorithm[]): readonly Algorithm[] {
  if (value === undefined) return Object.freeze([...fallback]);

  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigurationError('algorithms', 'must be a non-empty array', 'List the algorithms your issuer signs with, for example ["RS256"]');
  }
  for (const algorithm of value) checkAlgorithm(algorithm, keySource);
  return Object.freeze([...new Set(value as readonly Algorithm[])]);
}

function checkAlgorithm(algorithm: unknown, keySource: 'secret' | 'asymmetric'): void {
  if (typeof algorithm === 'string' && algorithm.toLowerCase() === 'none') {
    throw new ConfigurationError('algorithms', 'contains "none"', 'Unsigned tokens are never accepted. Remove "none" from the list');
  }
  if (typeof algorithm !== 'string' || !KNOWN_ALGORITHMS.has(algorithm)) {
    throw new ConfigurationError('algorithms', `contains the unsupported value ${JSON.stringify(algorithm)}`, `Use only ${[...KNOWN_ALGORITHMS].join(', ')}`);
  }
  if (isHmacAlgorithm(algorithm) && keySource === 'asymmetric') {
    throw new ConfigurationError(
      'algorithms',
      `contains ${algorithm}, which needs a shared secret, but the key source holds public keys`,
      'Remove the HS* algorithms, or verify HMAC tokens with a separate verifier built from the secret option',
    );
  }
  if (!isHmacAlgorithm(algorithm) && keySource === 'secret') {
    throw new ConfigurationError(
      'algorithms',
      `contains ${algorithm}, which needs a public key, but the key source is a shared secret`,
      'Use HS256, HS384 or HS512 with the secret option, or pass jwksUri, jwks or publicKey for asymmetric algorithms',
    );
  }
}
